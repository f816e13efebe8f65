import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { buildClientHeaders } from "../../src/proxy/headers.ts";
import { responsesStream, startFakeUpstream, startProxy } from "./fake_upstream.ts";

function compressed(text: string, type: string): Response {
  return new Response(new Uint8Array(gzipSync(text)), {
    headers: { "content-type": type, "content-encoding": "gzip" },
  });
}

Deno.test("a gzip SSE reply from an upstream that ignored identity is relayed decoded, usage read", async () => {
  await using up = startFakeUpstream(() => compressed(responsesStream("hi"), "text/event-stream"));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), null);
  assert.equal(await res.text(), responsesStream("hi"));
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.usage?.total_tokens, 150);
});

Deno.test("a gzip JSON reply is relayed decoded and its usage read", async () => {
  const body = JSON.stringify({
    id: "r",
    object: "response",
    model: "mock-model",
    usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
  });
  await using up = startFakeUpstream(() => compressed(body, "application/json"));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.equal(await res.text(), body);
  const [rec] = await proxy.records();
  assert.equal(rec!.usage?.total_tokens, 7);
});

Deno.test("buildClientHeaders() keeps an encoding the proxy does not decode", () => {
  const out = new Headers(buildClientHeaders(new Headers({ "content-encoding": "zstd" })));
  assert.equal(out.get("content-encoding"), "zstd");
  const plain = new Headers(buildClientHeaders(new Headers({ "content-encoding": "identity" })));
  assert.equal(plain.get("content-encoding"), null);
});
