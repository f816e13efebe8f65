import assert from "node:assert/strict";
import { createHandler } from "../../src/proxy/handler.ts";
import { type ActiveConfig, createStaticConfigSource } from "../../src/proxy/live_config.ts";
import { checkAccess, isLoopbackHost } from "../../src/proxy/security.ts";
import { PROXY_DEFAULTS } from "../../src/config/schema.ts";
import { startFakeUpstream, startProxy } from "./fake_upstream.ts";

type UpstreamAuth = ActiveConfig["upstreams"][number]["auth"];

/** An in-process handler over at most one upstream; `accessToken` makes it a remote listener. */
function handlerFor(baseUrl: string | undefined, auth: UpstreamAuth, accessToken?: string) {
  return createHandler({
    source: createStaticConfigSource({
      service: "codex",
      configName: "t",
      upstreams: baseUrl === undefined ? [] : [{ baseUrl, auth }],
      settings: accessToken === undefined
        ? { ...PROXY_DEFAULTS }
        : { ...PROXY_DEFAULTS, access_token: accessToken },
    }),
    allowRemote: accessToken !== undefined,
  });
}

const KEYED: UpstreamAuth = { passthrough: false, bearer: "sk-test-1", missingEnv: [] };

Deno.test("isLoopbackHost() accepts loopback names and addresses only", async (t) => {
  const cases: [string, boolean][] = [
    ["127.0.0.1:3211", true],
    ["127.1.2.3", true],
    ["localhost:3211", true],
    ["LOCALHOST", true],
    ["[::1]:3211", true],
    ["::1", true],
    ["evil.com", false],
    ["127.0.0.1.evil.com", false],
    ["localhost.evil.com:80", false],
    ["192.168.1.10:3211", false],
    ["", false],
  ];
  for (const [host, expected] of cases) {
    await t.step(host || "(empty)", () => assert.equal(isLoopbackHost(host), expected));
  }
});

Deno.test("checkAccess() refuses Origin, foreign Host, and a missing access token", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  assert.equal(checkAccess(h({ host: "127.0.0.1" }), { allowRemote: false }), undefined);
  assert.equal(
    checkAccess(h({ host: "127.0.0.1", origin: "http://localhost" }), { allowRemote: false })
      ?.status,
    403,
  );
  assert.equal(checkAccess(h({ host: "attacker.example" }), { allowRemote: false })?.status, 403);
  const remote = { allowRemote: true, accessToken: "tok-123456" };
  assert.equal(checkAccess(h({ host: "10.0.0.2" }), remote)?.status, 401);
  assert.equal(checkAccess(h({ host: "x", authorization: "Bearer nope" }), remote)?.status, 401);
  assert.equal(
    checkAccess(h({ host: "x", authorization: "Bearer tok-123456" }), remote),
    undefined,
  );
  assert.equal(
    checkAccess(h({ host: "x", "x-codex-helper-token": "tok-123456" }), remote),
    undefined,
  );
});

Deno.test("handler refuses a foreign Host and an Origin before reaching the upstream", async () => {
  await using up = startFakeUpstream(() => new Response("ok"));
  const handler = handlerFor(up.url, KEYED);
  const rebinding = await handler(
    new Request("http://attacker.example/v1/responses", { method: "POST", body: "{}" }),
  );
  assert.equal(rebinding.status, 403);
  const browser = await handler(
    new Request("http://127.0.0.1:3211/v1/responses", {
      method: "POST",
      body: "{}",
      headers: { origin: "https://evil.example" },
    }),
  );
  assert.equal(browser.status, 403);
  assert.equal(up.seen.length, 0);
  const ok = await handler(new Request("http://127.0.0.1:3211/v1/models"));
  assert.equal(await ok.text(), "ok");
});

Deno.test("status endpoint reports service, upstream health and counters, never a secret", async () => {
  await using up = startFakeUpstream(() => new Response("down", { status: 500 }));
  await using proxy = await startProxy({ upstreams: [up.url] });
  await (await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" })).body?.cancel();
  const res = await fetch(`${proxy.url}/__codex_helper/status`);
  const text = await res.text();
  const status = JSON.parse(text);
  assert.equal(status.name, "codex-helper");
  assert.equal(status.service, "codex");
  assert.equal(status.pid, Deno.pid);
  assert.equal(status.active_config, "test");
  assert.equal(typeof status.version, "string");
  assert.equal(typeof status.uptime_secs, "number");
  assert.deepEqual(status.providers, []);
  assert.equal(status.upstreams[0].base_url, up.url);
  assert.equal(status.upstreams[0].failures, 1);
  assert.equal(status.upstreams[0].state, "closed");
  assert.equal(status.upstreams[0].usage_exhausted, false);
  assert.equal(status.counters.requests, 1);
  assert.equal(status.counters.failed, 1);
  assert.ok(!text.includes("sk-test"));
  const fromPage = await fetch(`${proxy.url}/__codex_helper/status`, {
    headers: { origin: "https://evil.example" },
  });
  assert.equal(fromPage.status, 403);
  await fromPage.body?.cancel();
});

Deno.test("a non-loopback listener requires the access token and does not forward it", async () => {
  await using up = startFakeUpstream(() => new Response("ok"));
  const handler = handlerFor(
    up.url,
    { passthrough: false, bearer: "sk-test-up", missingEnv: [] },
    "tok-test-123456",
  );
  const url = "http://192.0.2.10:3211/v1/models";
  assert.equal((await handler(new Request(url))).status, 401);
  const ok = await handler(
    new Request(url, { headers: { authorization: "Bearer tok-test-123456" } }),
  );
  assert.equal(await ok.text(), "ok");
  assert.equal(up.seen[0]!.headers.get("authorization"), "Bearer sk-test-up");
  const own = await handler(
    new Request(url, { headers: { "x-codex-helper-token": "tok-test-123456" } }),
  );
  assert.equal(await own.text(), "ok");
  assert.equal(up.seen[1]!.headers.get("x-codex-helper-token"), null);
});

Deno.test("the access token never reaches a pass-through upstream; the client's login does", async () => {
  await using up = startFakeUpstream(() => new Response("ok"));
  const handler = handlerFor(up.url, { passthrough: true, missingEnv: [] }, "tok-test-123456");
  const url = "http://192.0.2.10:3211/v1/responses";
  const viaAuth = await handler(
    new Request(url, { headers: { authorization: "Bearer tok-test-123456" } }),
  );
  assert.equal(await viaAuth.text(), "ok");
  assert.equal(up.seen[0]!.headers.get("authorization"), null);
  const viaOwn = await handler(
    new Request(url, {
      headers: { "x-codex-helper-token": "tok-test-123456", authorization: "Bearer login-jwt" },
    }),
  );
  assert.equal(await viaOwn.text(), "ok");
  assert.equal(up.seen[1]!.headers.get("authorization"), "Bearer login-jwt");
  assert.equal(up.seen[1]!.headers.get("x-codex-helper-token"), null);
});

Deno.test("the status endpoint refuses a rebinding Host", async () => {
  const handler = handlerFor(undefined, KEYED);
  const res = await handler(new Request("http://attacker.example/__codex_helper/status"));
  assert.equal(res.status, 403);
  await res.body?.cancel();
});

async function rawGet(port: number, target: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  ));
  return await new Response(conn.readable).text();
}

Deno.test("a path with . or .. segments is refused, never joined to the base path", async (t) => {
  await using up = startFakeUpstream(() => Response.json({ ok: true }));
  await using proxy = await startProxy({ upstreams: [`${up.url}/api/openai`] });
  const port = Number(new URL(proxy.url).port);
  for (
    const target of ["/v1/../../admin", "/v1/%2e%2E/%2e%2e/admin", "/v1/..\\..\\admin", "/./v1"]
  ) {
    await t.step(target, async () => {
      const reply = await rawGet(port, target);
      assert.match(reply, /^HTTP\/1\.1 400 /);
    });
  }
  assert.equal(up.seen.length, 0);
  assert.match(await rawGet(port, "/v1/models.json"), /^HTTP\/1\.1 200 /);
  assert.equal(up.seen[0]!.path, "/api/openai/v1/models.json");
});

Deno.test("a remote listener keeps requiring the last access token when config.json drops it", async () => {
  await using up = startFakeUpstream(() => new Response("ok"));
  const base: ActiveConfig = {
    service: "codex",
    configName: "t",
    upstreams: [{ baseUrl: up.url, auth: KEYED }],
    settings: { ...PROXY_DEFAULTS, access_token: "tok-test-123456" },
  };
  let active = base;
  const warnings: string[] = [];
  const handler = createHandler({
    source: { current: () => active },
    allowRemote: true,
    warn: (m) => warnings.push(m),
  });
  const url = "http://192.0.2.10:3211/v1/models";
  const withToken = { headers: { authorization: "Bearer tok-test-123456" } };
  assert.equal(await (await handler(new Request(url, withToken))).text(), "ok");
  active = { ...base, settings: { ...PROXY_DEFAULTS } }; // the token was removed from the file
  const anyone = await handler(new Request(url));
  assert.equal(anyone.status, 401);
  await anyone.body?.cancel();
  assert.equal(await (await handler(new Request(url, withToken))).text(), "ok");
  assert.equal(up.seen.length, 2);
  assert.equal(up.seen[1]!.headers.get("authorization"), "Bearer sk-test-1");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /access_token/);
  assert.ok(!warnings[0]!.includes("tok-test"), warnings[0]);
});
