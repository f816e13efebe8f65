/**
 * The dashboard in a real headless Chromium, against `serve` (a subprocess) in front of fake
 * upstreams: the printed URL opens it, the pool renders, requests appear in the live feed, a
 * failover shows its chain, and a page on another origin cannot read it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { type HeadlessBrowser, launchChromium } from "../_fakes/chromium.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { chromiumTest, postTurn as postTurnAs, waitForDashboardUrl } from "./browser_helpers.ts";

const KEY = "sk-test-dashboard-upstream-key";
const POOL_SHOWN = `document.querySelectorAll("#pool tbody tr").length === 2`;

/** A week of plausible history, so the charts have something to draw. */
function history(now: number): RequestRecord[] {
  const out: RequestRecord[] = [];
  const models = ["gpt-5.1-codex", "gpt-5-mini"];
  const upstreams = ["https://relay-a.example/v1", "https://relay-b.example/v1"];
  for (let t = now - 7 * 86_400_000 + 600_000, i = 0; t < now - 120_000; t += 47 * 60_000, i++) {
    const hour = new Date(t).getHours();
    const busy = hour >= 9 && hour <= 22 ? 1 : 0.2;
    const input = Math.round((8000 + 6000 * Math.sin(i / 5)) * busy);
    const output = Math.round(input / 9);
    const failed = i % 23 === 0;
    out.push(makeRecord({
      timestamp_ms: t,
      config_name: i % 4 === 0 ? "backup" : "main",
      upstream_base_url: upstreams[i % 3 === 0 ? 1 : 0]!,
      model: models[i % 5 === 0 ? 1 : 0]!,
      status_code: failed ? 502 : 200,
      outcome: failed ? "upstream_error" : "completed",
      duration_ms: 4000 + (i % 7) * 900,
      ttfb_ms: 600 + (i % 5) * 150,
      usage: failed ? null : {
        input_tokens: input,
        cached_input_tokens: Math.round(input * 0.6),
        output_tokens: output,
        reasoning_tokens: Math.round(output / 3),
        total_tokens: input + output,
      },
      attempts: [],
    }));
  }
  return out;
}

interface Setup extends AsyncDisposable {
  dashboardUrl: string;
  proxyUrl: string;
  port: number;
  setPrimaryDown(down: boolean): void;
}

async function setUp(extra: RequestRecord[] = []): Promise<Setup> {
  let primaryDown = false;
  const primary = startFakeUpstream(() =>
    primaryDown
      ? Response.json({ error: { message: "overloaded" } }, { status: 503 })
      : sseResponse(responsesStream("from primary"))
  );
  const backup = startFakeUpstream(() => sseResponse(responsesStream("from backup")));
  const home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      proxy: { failure_threshold: 1, cooldown_secs: 600 },
      codex: {
        active: "main",
        configs: {
          main: {
            upstreams: [primary.url, backup.url].map((u) => ({
              base_url: `${u}/v1`,
              auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
            })),
          },
        },
      },
    }),
  );
  await home.write(".codex-proxy/logs/requests.jsonl", toJsonl([...history(Date.now()), ...extra]));
  // --switch: Codex points at this proxy, which the switch panel shows
  const serve = await spawnServe(["--switch"], { env: { ...home.env, TEST_UPSTREAM_KEY: KEY } });
  const dashboardUrl = await waitForDashboardUrl(serve);
  return {
    dashboardUrl,
    proxyUrl: serve.url,
    port: serve.port,
    setPrimaryDown: (down) => void (primaryDown = down),
    async [Symbol.asyncDispose]() {
      await serve.stop();
      await primary.close();
      await backup.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** A new page in `chrome` the size of a desktop window. */
async function desktopPage(chrome: HeadlessBrowser): Promise<Page> {
  const page = await chrome.browser.newPage();
  await page.setViewport({ width: 1360, height: 1500 });
  return page;
}

/** A turn as Codex sends it, with its own bearer key (which the proxy replaces). */
function postTurn(proxyUrl: string): Promise<void> {
  return postTurnAs(proxyUrl, "mock-model", { authorization: "Bearer sk-test-client" });
}

function feedRows(page: Page): Promise<number> {
  return page.$$eval("#feed-table tbody tr[data-outcome]", (rows) => rows.length);
}

/** Waits for `count` live rows; returns how long after the call they were there. */
async function waitForRows(page: Page, count: number, timeout: number): Promise<number> {
  const t0 = performance.now();
  await page.waitForFunction(
    `document.querySelectorAll("#feed-table tbody tr[data-outcome]").length >= ${count}`,
    { timeout, polling: "mutation" },
  );
  return performance.now() - t0;
}

chromiumTest(
  "dashboard in Chromium: pool, live feed within a second, failover chain, screenshot",
  async () => {
    await using setup = await setUp();
    await using chrome = await launchChromium();
    const page = await desktopPage(chrome);
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(msg.text());
    });

    // the printed URL sets the cookie and leaves the secret out of the address bar
    await page.goto(setup.dashboardUrl, { waitUntil: "domcontentloaded" });
    assert.equal(page.url(), `${setup.proxyUrl}/__codex_helper/`);
    const cookies = await chrome.browser.cookies();
    const cookie = cookies.find((c) => c.name === `codex_helper_${setup.port}`);
    assert.ok(cookie, JSON.stringify(cookies));
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(await page.evaluate("document.cookie"), "");

    // the pool renders, in priority order
    await page.waitForFunction(POOL_SHOWN);
    const pool = await page.$$eval(
      "#pool tbody tr .url",
      (cells) => cells.map((c) => c.textContent),
    );
    assert.equal(pool.length, 2);
    assert.match(pool[0]!, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    await page.waitForFunction(`document.querySelector("#conn").dataset.state === "live"`);
    await page.waitForFunction(
      `document.querySelectorAll("#switch-list .card").length === 2`,
    );
    const cards = await page.$$eval(
      "#switch-list .card",
      (nodes) => nodes.map((n) => [n.getAttribute("data-client"), n.getAttribute("data-here")]),
    );
    assert.deepEqual(cards, [["Codex", "true"], ["Claude Code", "false"]]);

    // a request sent through the proxy appears in the live feed within a second
    const before = await feedRows(page);
    await postTurn(setup.proxyUrl);
    const waited = await waitForRows(page, before + 1, 1000);
    assert.ok(waited < 1000, `${waited} ms`);
    const first = await page.$eval("#feed-table tbody tr", (row) => ({
      outcome: row.getAttribute("data-outcome"),
      model: row.getAttribute("data-model"),
      text: row.textContent,
    }));
    assert.equal(first.outcome, "completed");
    assert.equal(first.model, "mock-model");
    assert.match(first.text!, /150/); // total tokens of the fake stream

    // a failover shows its attempts chain: primary 503, then backup 200
    setup.setPrimaryDown(true);
    await postTurn(setup.proxyUrl);
    await waitForRows(page, before + 2, 5000);
    const chain = await page.$eval(
      "#feed-table tbody tr .chain",
      (cell) =>
        [...cell.querySelectorAll(".attempt")].map((a) => ({
          ok: a.classList.contains("ok"),
          text: a.textContent,
        })),
    );
    assert.equal(chain.length, 2);
    assert.deepEqual(chain.map((a) => a.ok), [false, true]);
    assert.match(chain[0]!.text!, /503/);
    assert.match(chain[1]!.text!, /200/);
    // the primary's breaker opened and counts down
    await page.waitForFunction(
      `document.querySelector("#pool tbody tr").getAttribute("data-state") === "open"`,
    );
    const state = await page.$eval("#pool tbody tr .state", (c) => c.textContent);
    assert.match(state!, /open, \d+ s left/);
    // the median time to first event per upstream comes from the log once usage is read again
    await page.waitForFunction(
      `[...document.querySelectorAll("#pool tbody tr")].every((r) => r.lastElementChild.textContent !== "–")`,
      { timeout: 10_000 },
    );

    // the errors-only filter keeps the history's failures and drops the two new successes
    await page.click("#f-errors");
    const shown = await page.$$eval(
      "#feed-table tbody tr[data-outcome]",
      (rows) => rows.map((r) => r.getAttribute("data-outcome")),
    );
    assert.ok(shown.every((o) => o !== "completed"), shown.join());
    await page.click("#f-errors");

    // usage: charts drawn from the log, totals as `usage summary`
    await page.waitForSelector("#chart-hourly .uplot");
    await page.waitForSelector("#chart-daily .uplot");
    const totals = await page.$$eval("#usage-totals tbody tr", (rows) => rows.length);
    assert.ok(totals >= 2);

    // nothing secret reached the page
    const html = await page.content();
    assert.ok(!html.includes(KEY));
    assert.ok(!html.includes(new URL(setup.dashboardUrl).searchParams.get("token")!));
    assert.deepEqual(problems, []);

    const shot = Deno.env.get("DASHBOARD_SCREENSHOT");
    const path = shot ?? join(await Deno.makeTempDir(), "dashboard.png");
    await page.screenshot({ path: path as `${string}.png`, fullPage: true });
    const png = await Deno.readFile(path);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    assert.ok(png.length > 20_000, `${png.length} bytes`);
  },
);

chromiumTest(
  "dashboard in Chromium speaks Chinese to a Chinese browser",
  async () => {
    await using setup = await setUp();
    await using chrome = await launchChromium();
    const page = await desktopPage(chrome);
    await page.evaluateOnNewDocument(() => {
      Object.defineProperty(navigator, "languages", { get: () => ["zh-CN", "zh"] });
      Object.defineProperty(navigator, "language", { get: () => "zh-CN" });
    });
    await page.goto(setup.dashboardUrl, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(POOL_SHOWN);
    assert.equal(await page.$eval("#now h2", (h) => h.textContent), "当前状态");
    assert.equal(await page.evaluate("document.documentElement.lang"), "zh-CN");
    await page.waitForFunction(`document.querySelector("#conn").dataset.state === "live"`);
    const before = await feedRows(page);
    await postTurn(setup.proxyUrl);
    setup.setPrimaryDown(true);
    await postTurn(setup.proxyUrl);
    await waitForRows(page, before + 2, 5000);
    await page.waitForSelector("#chart-hourly .uplot");
    await page.waitForFunction(
      `[...document.querySelectorAll("#pool tbody tr")].every((r) => r.lastElementChild.textContent !== "–")`,
      { timeout: 10_000 },
    );
    const shot = Deno.env.get("DASHBOARD_SCREENSHOT_ZH");
    if (shot) await page.screenshot({ path: shot as `${string}.png`, fullPage: true });

    // a key that stops working (a restarted proxy has a new one) says what to do
    const cdp = await page.createCDPSession();
    await cdp.send("Network.clearBrowserCookies");
    await page.waitForSelector("#locked", { timeout: 10_000 });
    assert.match(
      await page.$eval("#locked", (p) => p.textContent!),
      /密钥已失效.*codex-helper serve/,
    );
  },
);

chromiumTest(
  "dashboard in Chromium: markup from a reply stays text; a page on another loopback origin cannot read the data or the feed",
  async () => {
    // a model name from an upstream reply that is really markup stays text
    const markup = `<img src=x onerror="globalThis.injected=1">`;
    await using setup = await setUp([
      makeRecord({ timestamp_ms: Date.now() - 60_000, model: markup, config_name: markup }),
    ]);
    await using chrome = await launchChromium();
    const page = await chrome.browser.newPage();
    // the browser holds the cookie: the attacker's page runs in the same browser afterwards
    await page.goto(setup.dashboardUrl, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(POOL_SHOWN);
    await page.waitForFunction(`document.querySelector("#conn").dataset.state === "live"`);
    // the row is found by its data, not its place: a request from elsewhere may come first
    const models = await page.$$eval(
      "#feed-table tbody tr",
      (rows) => rows.map((row) => row.getAttribute("data-model")),
    );
    assert.ok(models.includes(markup), JSON.stringify(models));
    assert.equal(await page.$$eval("#feed-table img, #usage-totals img", (n) => n.length), 0);
    assert.equal(await page.evaluate("globalThis.injected"), undefined);
    const target = `${setup.proxyUrl}/__codex_helper`;
    const attacker = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(
          `<!doctype html><script>
          const target = ${JSON.stringify(target)};
          async function tryFetch(path, init) {
            try {
              const res = await fetch(target + path, init);
              return "read " + res.status + " " + (await res.text()).slice(0, 80);
            } catch (error) {
              return "failed " + error.name;
            }
          }
          async function tryFeed() {
            return await new Promise((resolve) => {
              const source = new EventSource(target + "/api/feed", { withCredentials: true });
              source.onmessage = (event) => resolve("read " + event.data);
              source.onerror = () => { source.close(); resolve("failed"); };
            });
          }
          (async () => {
            const out = {};
            out.now = await tryFetch("/api/now", { credentials: "include" });
            out.usage = await tryFetch("/api/usage", { credentials: "include" });
            out.page = await tryFetch("/", { credentials: "include" });
            out.opaque = await tryFetch("/api/now", { credentials: "include", mode: "no-cors" });
            out.feed = await tryFeed();
            window.result = out;
          })();
          </script>`,
          { headers: { "content-type": "text/html" } },
        ),
    );
    try {
      await page.goto(`http://127.0.0.1:${attacker.addr.port}/`);
      await page.waitForFunction(() => "result" in globalThis, { timeout: 10_000 });
      const result = await page.evaluate(() =>
        (globalThis as unknown as { result: Record<string, string> }).result
      );
      assert.equal(result.now, "failed TypeError");
      assert.equal(result.usage, "failed TypeError");
      assert.equal(result.page, "failed TypeError");
      // not even an opaque reply: Cross-Origin-Resource-Policy blocks it
      assert.equal(result.opaque, "failed TypeError");
      assert.equal(result.feed, "failed");
    } finally {
      await attacker.shutdown();
    }
  },
);
