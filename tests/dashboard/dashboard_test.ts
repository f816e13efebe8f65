/** The dashboard's endpoints in-process: who may read them, what they answer, what never leaks. */
import assert from "node:assert/strict";
import { createDashboard, type Dashboard } from "../../src/dashboard/dashboard.ts";
import { createHandler, type ProxyHandler } from "../../src/proxy/handler.ts";
import { createStaticConfigSource } from "../../src/proxy/live_config.ts";
import { createCounters } from "../../src/proxy/status.ts";
import { UpstreamPool } from "../../src/proxy/upstream_pool.ts";
import { PROXY_DEFAULTS } from "../../src/config/schema.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";

const SECRET = "test-dashboard-secret-0123456789abcdef";
const CRED_URL = "https://user:sk-test-url-password@relay.example/v1?key=sk-test-in-query";
const HOST = "127.0.0.1:4321";
const LOOPBACK: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 50000 },
  completed: Promise.resolve(),
};

interface Harness extends AsyncDisposable {
  home: TempHome;
  dashboard: Dashboard;
  handler: ProxyHandler;
  pool: UpstreamPool;
  get(
    path: string,
    init?: { headers?: Record<string, string>; info?: Deno.ServeHandlerInfo },
  ): Promise<Response>;
}

async function harness(records: string = ""): Promise<Harness> {
  const home = await createTempHome();
  if (records !== "") await home.write(".codex-proxy/logs/requests.jsonl", records);
  const urls = [CRED_URL, "https://backup.example/v1"];
  const pool = new UpstreamPool(urls, { failureThreshold: 1, cooldownMs: 60_000 });
  const dashboard = createDashboard({
    paths: home.paths,
    service: "codex",
    secret: SECRET,
    fetch: () => Promise.reject(new TypeError("connection refused")),
  });
  const handler = createHandler({
    source: createStaticConfigSource({
      service: "codex",
      configName: "main",
      upstreams: urls.map((baseUrl) => ({
        baseUrl,
        auth: { passthrough: false, bearer: "sk-test-upstream-bearer", missingEnv: [] },
      })),
      settings: { ...PROXY_DEFAULTS },
    }),
    pool,
    counters: createCounters(),
    pages: dashboard,
    providers: () => [{
      id: "relay",
      kind: "budget_http_json",
      exhausted_upstreams: [CRED_URL],
      last: { state: "ok", exhausted: true, remaining: 0, checked_at_ms: 1 },
      last_known: null,
    }],
  });
  return {
    home,
    dashboard,
    handler,
    pool,
    get(path, init = {}) {
      return handler(
        new Request(`http://${HOST}${path}`, { headers: { host: HOST, ...init.headers } }),
        init.info ?? LOOPBACK,
      );
    },
    async [Symbol.asyncDispose]() {
      dashboard.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

const COOKIE = { cookie: `codex_helper_4321=${SECRET}` };

Deno.test("dashboard: the printed URL sets an HttpOnly SameSite=Strict cookie and redirects", async () => {
  await using h = await harness();
  assert.equal(h.dashboard.urlFor(HOST), `http://${HOST}/__codex_helper/?token=${SECRET}`);
  const res = await h.get(`/__codex_helper/?token=${SECRET}`);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/__codex_helper/");
  const cookie = res.headers.get("set-cookie")!;
  assert.match(cookie, /^codex_helper_4321=test-dashboard-secret-0123456789abcdef;/);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\/__codex_helper\//);
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
});

Deno.test("dashboard: without the key, or with a wrong one, nothing is served", async (t) => {
  await using h = await harness();
  for (
    const [name, path, headers] of [
      ["page without cookie", "/__codex_helper/", {}],
      ["page with a wrong token", "/__codex_helper/?token=nope", {}],
      ["data without cookie", "/__codex_helper/api/now", {}],
      ["data with a wrong cookie", "/__codex_helper/api/now", { cookie: "codex_helper_4321=x" }],
      ["another port's cookie", "/__codex_helper/api/now", {
        cookie: `codex_helper_9999=${SECRET}`,
      }],
      ["feed without cookie", "/__codex_helper/api/feed", {}],
      ["asset without cookie", "/__codex_helper/assets/app.js", {}],
    ] as [string, string, Record<string, string>][]
  ) {
    await t.step(name, async () => {
      const res = await h.get(path, { headers });
      assert.equal(res.status, 401);
      const body = await res.text();
      assert.ok(!body.includes(SECRET));
      assert.ok(!body.includes("sk-test"));
    });
  }
});

Deno.test("dashboard: foreign hosts, peers and web pages are refused even with the key", async (t) => {
  await using h = await harness();
  const remote: Deno.ServeHandlerInfo = {
    remoteAddr: { transport: "tcp", hostname: "192.168.1.20", port: 50000 },
    completed: Promise.resolve(),
  };
  const cases: [string, Record<string, string>, Deno.ServeHandlerInfo, number][] = [
    ["a foreign Host (DNS rebinding)", { host: "evil.example:4321" }, LOOPBACK, 403],
    ["a non-loopback peer", {}, remote, 403],
    ["another origin", { origin: "http://127.0.0.1:9999" }, LOOPBACK, 403],
    ["a same-site page on another port", { "sec-fetch-site": "same-site" }, LOOPBACK, 403],
    ["a cross-site page", { "sec-fetch-site": "cross-site" }, LOOPBACK, 403],
  ];
  for (const [name, headers, info, status] of cases) {
    await t.step(name, async () => {
      const res = await h.get("/__codex_helper/api/now", {
        headers: { ...COOKIE, ...headers },
        info,
      });
      assert.equal(res.status, status);
    });
  }
  await t.step("the page's own origin passes", async () => {
    const res = await h.get("/__codex_helper/api/now", {
      headers: { ...COOKIE, origin: `http://${HOST}`, "sec-fetch-site": "same-origin" },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });
  await t.step("writes are refused (read-only)", async () => {
    const res = await h.handler(
      new Request(`http://${HOST}/__codex_helper/api/now`, {
        method: "POST",
        headers: { host: HOST, ...COOKIE },
        body: "{}",
      }),
      LOOPBACK,
    );
    assert.equal(res.status, 405);
  });
});

Deno.test("dashboard: the page and its files come with a strict policy, no CDN", async () => {
  await using h = await harness();
  const page = await h.get("/__codex_helper/", { headers: COOKIE });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  const csp = page.headers.get("content-security-policy")!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get("x-frame-options"), "DENY");
  assert.equal(page.headers.get("cross-origin-resource-policy"), "same-origin");
  assert.equal(page.headers.get("cache-control"), "no-store");
  const html = await page.text();
  assert.ok(!html.includes(SECRET));
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    .filter((ref) => ref !== "data:,"); // the empty icon, inline
  assert.ok(refs.length >= 5);
  for (const ref of refs) {
    assert.match(ref, /^assets\/[\w.]+$/, ref); // relative, same origin
    const res = await h.get(`/__codex_helper/${ref}`, { headers: COOKIE });
    assert.equal(res.status, 200, ref);
    assert.ok((await res.arrayBuffer()).byteLength > 100, ref);
  }
  const missing = await h.get("/__codex_helper/assets/nope.js", { headers: COOKIE });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("dashboard: the status endpoint stays where it was, without the key", async () => {
  await using h = await harness();
  const res = await h.get("/__codex_helper/status");
  assert.equal(res.status, 200);
  assert.equal((await res.json()).name, "codex-helper");
});

Deno.test("dashboard: /api/now shows the pool in order, breaker, quota and streams, masked", async () => {
  await using h = await harness();
  h.pool.recordFailure(CRED_URL); // threshold 1: open
  const res = await h.get("/__codex_helper/api/now", { headers: COOKIE });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(!text.includes("sk-test"), text);
  assert.ok(!text.includes(SECRET));
  const now = JSON.parse(text);
  assert.equal(now.service, "codex");
  assert.equal(now.active_config, "main");
  assert.deepEqual(now.upstreams.map((u: { base_url: string }) => u.base_url), [
    "https://relay.example/v1?key=***",
    "https://backup.example/v1",
  ]);
  assert.equal(now.upstreams[0].state, "open");
  assert.ok(now.upstreams[0].cooldown_remaining_ms > 50_000);
  assert.equal(now.upstreams[1].state, "closed");
  assert.deepEqual(now.providers[0].exhausted_upstreams, ["https://relay.example/v1?key=***"]);
  assert.equal(now.providers[0].last.remaining, 0);
  assert.deepEqual(now.active_streams, []);
  assert.equal(typeof now.counters.requests, "number");
});

Deno.test("dashboard: /api/recent returns this service's last requests, masked", async () => {
  const records = [
    makeRecord({ timestamp_ms: Date.now() - 3000, model: "m-1", upstream_base_url: CRED_URL }),
    makeRecord({ timestamp_ms: Date.now() - 2000, service: "claude", model: "claude-x" }),
    makeRecord({
      timestamp_ms: Date.now() - 1000,
      model: "m-2",
      attempts: [
        { upstream_base_url: CRED_URL, status_code: 503, error: null, duration_ms: 5 },
        {
          upstream_base_url: "https://backup.example/v1",
          status_code: 200,
          error: null,
          duration_ms: 9,
        },
      ],
    }),
  ];
  await using h = await harness(toJsonl([...records, "not json"]));
  const res = await h.get("/__codex_helper/api/recent", { headers: COOKIE });
  const text = await res.text();
  assert.ok(!text.includes("sk-test"), text);
  const recent = JSON.parse(text);
  assert.deepEqual(recent.map((r: { model: string }) => r.model), ["m-1", "m-2"]);
  assert.equal(recent[0].upstream_base_url, "https://relay.example/v1?key=***");
  assert.deepEqual(recent[1].attempts.map((a: { status_code: number }) => a.status_code), [
    503,
    200,
  ]);
});

Deno.test("dashboard: /api/switches reports both clients as `status` sees them", async () => {
  await using h = await harness();
  const res = await h.get("/__codex_helper/api/switches", { headers: COOKIE });
  assert.equal(res.status, 200);
  const view = await res.json();
  for (const client of ["codex", "claude"]) {
    assert.equal(view[client].switched, false);
    assert.equal(view[client].points_here, false);
    assert.equal(view[client].answer, "nobody");
  }
  assert.equal(view.codex.file, "~/.codex/config.toml");
  assert.equal(view.claude.file, "~/.claude/settings.json");
  // the usage providers' domains, as `status` reads them to tell a provider that is not used
  assert.deepEqual(view.provider_domains, { packycode: ["packycode.com"] });
});

Deno.test("dashboard: an unknown endpoint is a 404, not a forwarded request", async () => {
  await using h = await harness();
  const res = await h.get("/__codex_helper/api/nothing", { headers: COOKIE });
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

Deno.test("dashboard: its pages name their own icon, so no /favicon.ico goes upstream", async () => {
  await using h = await harness();
  const locked = await h.get("/__codex_helper/");
  assert.equal(locked.status, 401);
  assert.match(await locked.text(), /<link rel="icon" href="data:,">/);
  const page = await h.get("/__codex_helper/", { headers: COOKIE });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<link rel="icon" href="data:,">/);
});
