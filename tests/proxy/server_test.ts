import assert from "node:assert/strict";
import { createHandler } from "../../src/proxy/handler.ts";
import { createStaticConfigSource } from "../../src/proxy/live_config.ts";
import { PortInUseError, startServer } from "../../src/proxy/server.ts";
import { fetchProxyStatus } from "../../src/proxy/probe.ts";
import { PROXY_DEFAULTS } from "../../src/config/schema.ts";

const handler = createHandler({
  source: createStaticConfigSource({
    service: "claude",
    configName: "c",
    upstreams: [],
    settings: { ...PROXY_DEFAULTS },
  }),
});

Deno.test("startServer() reports a taken port as PortInUseError", async () => {
  const first = startServer(handler, {
    hostname: "127.0.0.1",
    port: 0,
    cut: new AbortController(),
  });
  try {
    assert.throws(
      () =>
        startServer(handler, {
          hostname: "127.0.0.1",
          port: first.addr.port,
          cut: new AbortController(),
        }),
      PortInUseError,
    );
    const status = await fetchProxyStatus("127.0.0.1", first.addr.port);
    assert.equal(status?.service, "claude");
  } finally {
    await first.shutdown(1000);
  }
});

Deno.test("fetchProxyStatus() is undefined for a server that is not codex-helper", async () => {
  const other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ name: "something-else" }),
  );
  try {
    assert.equal(await fetchProxyStatus("127.0.0.1", other.addr.port), undefined);
  } finally {
    await other.shutdown();
  }
});

Deno.test("shutdown() resolves although a client stalls mid-upload and keeps its connection", async () => {
  let started!: () => void;
  const reading = new Promise<void>((resolve) => started = resolve);
  const server = startServer(async (req) => {
    started();
    await req.text().catch(() => {});
    return new Response(null, { status: 499 });
  }, { hostname: "127.0.0.1", port: 0, cut: new AbortController(), cutWaitMs: 50 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    await conn.write(new TextEncoder().encode(
      "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{",
    ));
    await reading;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const never = new Promise<string>((resolve) => timer = setTimeout(resolve, 20_000, "hung"));
    const outcome = await Promise.race([server.shutdown(50).then(() => "resolved"), never]);
    clearTimeout(timer);
    assert.equal(outcome, "resolved");
  } finally {
    conn.close();
    await server.finished;
  }
});
