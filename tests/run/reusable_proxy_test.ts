import assert from "node:assert/strict";
import { findReusableProxy } from "../../src/run/reusable_proxy.ts";
import { closedPort } from "../_fakes/ports.ts";

function statusServer(body: Record<string, unknown>, headStatus = 200) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      req.method === "HEAD" ? new Response(null, { status: headStatus }) : Response.json({
        name: "codex-helper",
        service: "codex",
        version: "0",
        pid: 4242,
        port: null,
        uptime_secs: 1,
        active_config: "main",
        upstreams: [{ base_url: "http://x" }],
        providers: [],
        counters: {},
        ...body,
      }),
  );
  return {
    port: server.addr.port,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("findReusableProxy(): nothing listening starts a new proxy, silently", async () => {
  assert.deepEqual(await findReusableProxy(closedPort(), { service: "codex" }), {
    reuse: false,
    reason: undefined,
  });
});

Deno.test("findReusableProxy(): reuses a codex-helper of the service (and config)", async () => {
  await using s = statusServer({});
  const any = await findReusableProxy(s.port, { service: "codex" });
  assert.equal(any.reuse, true);
  assert.equal(any.reuse && any.status.pid, 4242);
  assert.equal(
    (await findReusableProxy(s.port, { service: "codex", configName: "main" })).reuse,
    true,
  );
});

Deno.test("findReusableProxy(): says why another codex-helper is not used", async (t) => {
  const cases: [Record<string, unknown>, string | undefined, RegExp][] = [
    [{ service: "claude" }, undefined, /pid 4242\) serves claude/],
    [{}, "other", /serves config "main"/],
    [{ active_config: null, upstreams: [] }, undefined, /has no upstreams/],
  ];
  for (const [body, configName, reason] of cases) {
    await t.step(reason.source, async () => {
      await using s = statusServer(body);
      const found = await findReusableProxy(s.port, { service: "codex", configName });
      assert.equal(found.reuse, false);
      assert.match((!found.reuse && found.reason) || "", reason);
    });
  }
});

Deno.test("findReusableProxy(): another program on the port is not a proxy to reuse", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello"),
  );
  try {
    assert.deepEqual(await findReusableProxy(server.addr.port, { service: "codex" }), {
      reuse: false,
      reason: undefined,
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("findReusableProxy(): a proxy that wants an access token is not reused", async () => {
  await using s = statusServer({}, 401);
  const found = await findReusableProxy(s.port, { service: "codex" });
  assert.equal(found.reuse, false);
  assert.match((!found.reuse && found.reason) || "", /requires an access token/);
});
