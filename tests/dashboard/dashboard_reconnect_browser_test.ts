/**
 * The dashboard's live feed in headless Chromium when the connection drops: the requests that
 * finished meanwhile still show once it is back, and a restarted proxy (a new key) leaves a page
 * that says what to do and stops asking.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../_fakes/chromium.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";
import { chromiumTest, postTurn, waitForDashboardUrl } from "./browser_helpers.ts";

/** A loopback TCP forwarder standing in for an SSH tunnel, whose connections can be cut. */
function startTunnel(port: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  (async () => {
    for await (const inbound of listener) {
      const outbound = await Deno.connect({ hostname: "127.0.0.1", port });
      open.add(inbound);
      open.add(outbound);
      const close = () => {
        for (const c of [inbound, outbound]) {
          open.delete(c);
          try {
            c.close();
          } catch { /* closed */ }
        }
      };
      inbound.readable.pipeTo(outbound.writable).catch(() => {}).finally(close);
      outbound.readable.pipeTo(inbound.writable).catch(() => {}).finally(close);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    /** Cuts every connection through it (new ones still pass). */
    cut() {
      for (const c of [...open]) {
        open.delete(c);
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
    close() {
      this.cut();
      listener.close();
    },
  };
}

const ROWS = `document.querySelectorAll("#feed-table tbody tr[data-outcome]").length`;
const STATE = `document.querySelector("#conn").dataset.state`;

chromiumTest(
  "dashboard in Chromium: requests finished while the feed was down show once it is back; a new key stops the page",
  async () => {
    await using upstream = startFakeUpstream(() => sseResponse(responsesStream("ok")));
    await using home = await createTempHome();
    await home.write(
      ".codex-proxy/config.json",
      JSON.stringify({
        codex: {
          active: "main",
          configs: {
            main: {
              upstreams: [{ base_url: `${upstream.url}/v1`, auth: { auth_token_env: "K" } }],
            },
          },
        },
      }),
    );
    await using serve = await spawnServe([], { env: { ...home.env, K: "sk-test-reconnect" } });
    const url = await waitForDashboardUrl(serve);
    const turn = () => postTurn(serve.url, "m");

    // through a tunnel on another local port, as from a laptop to a headless box
    const tunnel = startTunnel(serve.port);
    await using chrome = await launchChromium();
    const page = await chrome.browser.newPage();
    await page.goto(url.replace(`:${serve.port}/`, `:${tunnel.port}/`), {
      waitUntil: "domcontentloaded",
    });
    await page.waitForFunction(`${STATE} === "live"`);
    await turn();
    await page.waitForFunction(`${ROWS} === 1`);

    // the tunnel drops; two requests finish meanwhile
    tunnel.cut();
    await page.waitForFunction(`${STATE} !== "live"`, { timeout: 10_000 });
    await turn();
    await turn();
    await page.waitForFunction(`${STATE} === "live"`, { timeout: 15_000 });
    await page.waitForFunction(`${ROWS} === 3`, { timeout: 10_000 });
    await turn();
    await page.waitForFunction(`${ROWS} === 4`, { timeout: 10_000 });
    assert.equal(await page.evaluate(ROWS), 4); // none twice

    // a burst of requests: every one shows, while the page asks for the pool only now and then
    const nowAsks: string[] = [];
    const onRequest = (req: { url(): string }) => {
      if (req.url().endsWith("/api/now")) nowAsks.push(req.url());
    };
    page.on("request", onRequest);
    for (let i = 0; i < 30; i++) await turn();
    await page.waitForFunction(`${ROWS} === 34`, { timeout: 10_000 });
    page.off("request", onRequest);
    assert.ok(nowAsks.length <= 6, `${nowAsks.length} reads of /api/now for 30 requests`);

    // the key stops working (a restarted proxy has a new one): the page says so and stops asking
    const cdp = await page.createCDPSession();
    await cdp.send("Network.clearBrowserCookies");
    await page.waitForSelector("#locked", { timeout: 10_000 });
    await page.waitForFunction(`${STATE} === "closed"`, { timeout: 10_000 });
    const asked: string[] = [];
    page.on("request", (req) => void asked.push(req.url()));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 4500)));
    assert.deepEqual(asked, []);
    tunnel.close();
  },
);
