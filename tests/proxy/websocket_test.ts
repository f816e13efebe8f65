import assert from "node:assert/strict";
import { isWebSocketUpgrade } from "../../src/proxy/websocket.ts";
import { responsesStream, sseResponse, startFakeUpstream, startProxy } from "./fake_upstream.ts";

/** Sends a raw WebSocket handshake (as Codex does) and returns the reply's head and body. */
async function handshake(port: number, path: string): Promise<{ head: string; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer sk-test-client\r\n\r\n",
    ));
    let text = "";
    const buf = new Uint8Array(4096);
    const dec = new TextDecoder();
    while (!/\r\n\r\n[\s\S]*\}/.test(text)) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
    }
    const split = text.indexOf("\r\n\r\n");
    return { head: text.slice(0, split), body: text.slice(split + 4) };
  } finally {
    conn.close();
  }
}

Deno.test("isWebSocketUpgrade() reads the Upgrade header, any case, in a list", () => {
  const req = (upgrade?: string) =>
    new Request("http://127.0.0.1/v1/responses", upgrade ? { headers: { upgrade } } : {});
  assert.equal(isWebSocketUpgrade(req("websocket")), true);
  assert.equal(isWebSocketUpgrade(req("WebSocket")), true);
  assert.equal(isWebSocketUpgrade(req("h2c, websocket")), true);
  assert.equal(isWebSocketUpgrade(req("h2c")), false);
  assert.equal(isWebSocketUpgrade(req()), false);
});

Deno.test("a WebSocket handshake gets 426 at once; nothing reaches the upstream or the log", async () => {
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hello")));
  await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
  const port = Number(new URL(proxy.url).port);
  const { head, body } = await handshake(port, "/v1/responses");
  assert.match(head, /^HTTP\/1\.1 426 /);
  assert.equal(JSON.parse(body).error.type, "websocket_not_supported");
  assert.equal(up.seen.length, 0);
  assert.deepEqual(await proxy.records(), []);
  assert.equal(proxy.counters.requests, 0);
  // the same proxy still serves HTTP
  const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  assert.equal(up.seen.length, 1);
});

Deno.test("a WebSocket client sees the connection refused, not upgraded", async () => {
  await using up = startFakeUpstream(() => new Response("unexpected", { status: 500 }));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const ws = new WebSocket(`${proxy.url.replace("http:", "ws:")}/v1/responses`);
  const outcome = await new Promise<string>((resolve) => {
    ws.onopen = () => resolve("open");
    ws.onerror = () => resolve("error");
  });
  ws.close();
  assert.equal(outcome, "error");
  assert.equal(up.seen.length, 0);
});
