/**
 * The dashboard in headless Chromium on a phone-sized screen (as through an SSH tunnel), with a
 * long pool, long model names and credentials inside base URLs; `serve` and `serve --claude` side
 * by side in one browser.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { launchChromium } from "../_fakes/chromium.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";
import { chromiumTest, postTurn, waitForDashboardUrl } from "./browser_helpers.ts";

const LONG_MODEL = "gpt-5.1-codex-max-with-a-very-long-preview-name-2026-12-01-experimental";
const SECRETS = ["sk-test-phone-pw", "sk-test-phone-query", "sk-test-phone-key"];

function credentialed(url: string): string {
  const u = new URL(url);
  return `http://user:sk-test-phone-pw@${u.host}/v1?key=sk-test-phone-query`;
}

const POOL_SHOWN = (n: number) => `document.querySelectorAll("#pool tbody tr").length === ${n}`;

async function overflow(page: Page): Promise<number> {
  return await page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  ) as number;
}

chromiumTest(
  "dashboard in Chromium on a phone: no sideways page, a long pool, two proxies, no credential shown",
  async () => {
    await using upstream = startFakeUpstream(() => sseResponse(responsesStream("ok")));
    await using home = await createTempHome();
    const many = Array.from({ length: 12 }, (_, i) => ({
      base_url: `https://relay-${i}.a-rather-long-provider-hostname.example/openai/v1/compat?key=` +
        "sk-test-phone-query",
      auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
    }));
    const first = {
      base_url: credentialed(upstream.url),
      auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
    };
    await home.write(
      ".codex-proxy/config.json",
      JSON.stringify({
        codex: { active: "main", configs: { main: { upstreams: [first, ...many] } } },
        claude: { active: "cl", configs: { cl: { upstreams: [first] } } },
      }),
    );
    const now = Date.now();
    await home.write(
      ".codex-proxy/logs/requests.jsonl",
      toJsonl(Array.from({ length: 60 }, (_, i) =>
        makeRecord({
          timestamp_ms: now - i * 2 * 3_600_000,
          service: i % 3 === 0 ? "claude" : "codex",
          model: `${LONG_MODEL}-${i % 4}`,
          upstream_base_url: many[i % 12]!.base_url,
          attempts: [
            { upstream_base_url: first.base_url, status_code: 503, error: null, duration_ms: 9 },
            {
              upstream_base_url: many[i % 12]!.base_url,
              status_code: 200,
              error: null,
              duration_ms: 9,
            },
          ],
        }))),
    );
    const env = { ...home.env, TEST_UPSTREAM_KEY: "sk-test-phone-key" };
    await using codex = await spawnServe([], { env });
    await using claude = await spawnServe(["--claude"], { env });
    const codexUrl = await waitForDashboardUrl(codex);
    const claudeUrl = await waitForDashboardUrl(claude);
    const tokens = [codexUrl, claudeUrl].map((u) => new URL(u).searchParams.get("token")!);

    await using chrome = await launchChromium();
    const page = await chrome.browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.setViewport({ width: 360, height: 780 });

    // both proxies in one browser: each keeps its own cookie
    await page.goto(codexUrl, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(POOL_SHOWN(13));
    await page.goto(claudeUrl, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(POOL_SHOWN(1));
    assert.equal(await page.$eval("#service", (s) => s.textContent), "claude");
    await page.goto(`${codex.url}/__codex_helper/`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(POOL_SHOWN(13));
    assert.equal(await page.$eval("#service", (s) => s.textContent), "codex");
    await page.waitForFunction(`document.querySelector("#conn").dataset.state === "live"`);

    // a turn through the credentialed upstream arrives in the feed, masked
    await page.evaluate(() =>
      new Promise<void>((opened) => {
        const source = new EventSource("api/feed");
        const g = globalThis as unknown as { firstEvent: Promise<string> };
        g.firstEvent = new Promise((resolve) =>
          source.addEventListener("request", (event) => {
            source.close();
            resolve((event as MessageEvent<string>).data);
          })
        );
        source.addEventListener("open", () => opened());
      })
    );
    await postTurn(codex.url, LONG_MODEL);
    const event = await page.evaluate(() =>
      (globalThis as unknown as { firstEvent: Promise<string> }).firstEvent
    );
    await page.waitForSelector("#chart-daily .uplot");
    await page.waitForFunction(
      `document.querySelectorAll("#feed-table tbody tr[data-outcome]").length >= 41`,
    );

    // the default usage provider serves none of these upstreams: "not used", as `status` says
    await page.waitForFunction(
      `/not used/.test(document.querySelector("#providers").textContent)`,
      {
        timeout: 20_000,
      },
    );
    assert.doesNotMatch(await page.$eval("#providers", (p) => p.textContent!), /no token/);

    // nothing on the page is wider than the phone: wide tables scroll inside their panel
    assert.ok((await overflow(page)) <= 0, `the page is ${await overflow(page)} px too wide`);

    // on a desktop screen, the long pool and the long model names fit their panels whole
    await page.setViewport({ width: 1360, height: 900 });
    await page.waitForFunction(`document.documentElement.clientWidth === 1360`);
    for (const box of ["#now .wide", "#feed .scroll"]) {
      const extra = await page.$eval(box, (b) => b.scrollWidth - b.clientWidth);
      assert.ok(extra <= 0, `${box} is ${extra} px too wide`);
    }
    // a cut model name keeps its whole name in the cell's title
    const titles = await page.$$eval(
      "#feed-table tbody tr td.model",
      (cells) => cells.map((c) => c.getAttribute("title")),
    );
    assert.ok(titles.includes(`${LONG_MODEL}-0`), titles.join());

    // no key, no upstream credential in the page, its data or its feed
    const data = await page.evaluate(async () => {
      const out: string[] = [];
      for (const name of ["now", "usage", "switches", "recent"]) {
        out.push(await (await fetch(`api/${name}`)).text());
      }
      return out;
    });
    const seen = [await page.content(), event, ...data].join("\n");
    for (const secret of [...SECRETS, ...tokens]) assert.ok(!seen.includes(secret), secret);
    assert.match(event, /"upstream_base_url":"http:\/\/127\.0\.0\.1:\d+\/v1\?key=\*\*\*"/);
    assert.deepEqual(problems, []);
    // opening the pages sent nothing upstream (no /favicon.ico relayed with the upstream's key)
    assert.deepEqual(upstream.seen.map((r) => `${r.method} ${r.path}`), [
      "POST /v1/responses?key=sk-test-phone-query",
    ]);
  },
);
