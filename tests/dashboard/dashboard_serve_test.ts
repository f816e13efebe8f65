/** `serve` and `serve --claude` print their dashboard's address; each shows its own service. */
import assert from "node:assert/strict";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

function config(service: "codex" | "claude"): string {
  const upstreams = [{
    base_url: "https://relay.example/v1",
    auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
  }];
  return JSON.stringify({ [service]: { active: "main", configs: { main: { upstreams } } } });
}

for (const service of ["codex", "claude"] as const) {
  Deno.test(`serve${service === "claude" ? " --claude" : ""} prints a dashboard URL that opens its own dashboard`, async () => {
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", config(service));
    await using serve = await spawnServe(service === "claude" ? ["--claude"] : [], {
      env: { ...home.env, TEST_UPSTREAM_KEY: "sk-test-serve-dashboard" },
    });
    const line = await serve.waitForLine(/^dashboard: /);
    const url = new URL(line.slice("dashboard: ".length));
    assert.equal(url.origin, serve.url);
    assert.equal(url.pathname, "/__codex_helper/");
    const token = url.searchParams.get("token")!;
    assert.ok(token.length >= 40, token);

    const open = await fetch(url, { redirect: "manual" });
    assert.equal(open.status, 303);
    const cookie = open.headers.get("set-cookie")!.split(";")[0]!;
    await open.body?.cancel();
    const now = await fetch(`${serve.url}/__codex_helper/api/now`, { headers: { cookie } });
    assert.equal(now.status, 200);
    const body = await now.text();
    assert.equal(JSON.parse(body).service, service);
    assert.ok(!body.includes("sk-test"));
    const locked = await fetch(`${serve.url}/__codex_helper/api/now`);
    assert.equal(locked.status, 401);
    await locked.body?.cancel();

    const exit = await serve.stop();
    assert.equal(exit.code, 0);
    assert.doesNotMatch(exit.stderr, /sk-test/);
  });
}

Deno.test("serve stops at once with a dashboard page still listening to its feed", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", config("codex"));
  const serve = await spawnServe([], {
    env: { ...home.env, TEST_UPSTREAM_KEY: "sk-test-serve-dashboard" },
  });
  const line = await serve.waitForLine(/^dashboard: /);
  const open = await fetch(line.slice("dashboard: ".length), { redirect: "manual" });
  const cookie = open.headers.get("set-cookie")!.split(";")[0]!;
  await open.body?.cancel();
  const feed = await fetch(`${serve.url}/__codex_helper/api/feed`, { headers: { cookie } });
  assert.equal(feed.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = feed.body!.getReader();
  await reader.read(); // the opening comment
  const t0 = performance.now();
  const exit = await serve.stop();
  const took = performance.now() - t0;
  assert.equal(exit.code, 0);
  // the feed is ended first: no waiting for the 5 s grace period of open streams
  assert.ok(took < 4000, `${took} ms`);
  while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
});
