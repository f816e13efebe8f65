import assert from "node:assert/strict";
import { readRequestBody } from "../../src/proxy/request_body.ts";
import { createPushStream, startFakeUpstream, startProxy } from "./fake_upstream.ts";

function streamedRequest(body: ReadableStream<Uint8Array>): Request {
  return new Request("http://127.0.0.1/v1/responses", { method: "POST", body });
}

Deno.test("readRequestBody() gives up on a client that stops sending, not on a slow one", async () => {
  // the deadline ticker is unref'd (a server keeps the process alive); here a timer does
  const keepAlive = setTimeout(() => {}, 60_000);
  const stalled = createPushStream();
  stalled.push('{"input":');
  assert.equal(
    await readRequestBody(streamedRequest(stalled.stream), 1024, { stallMs: 300 }),
    "stalled",
  );

  const slow = createPushStream();
  const read = readRequestBody(streamedRequest(slow.stream), 1024, { stallMs: 2000 });
  // the body keeps coming: each gap is far below the stall window
  for (const part of ["{", '"a"', ":", "1", "}"]) {
    slow.push(part);
    await new Promise((r) => setTimeout(r, 20));
  }
  slow.end();
  assert.equal(new TextDecoder().decode((await read) as Uint8Array), '{"a":1}');
  clearTimeout(keepAlive);
});

Deno.test("a client stalled mid-upload gets a 408, the upstream sees nothing, the log says so", async () => {
  await using up = startFakeUpstream(() => new Response("never"));
  await using proxy = await startProxy({
    upstreams: [up.url],
    settings: { stream_idle_timeout_secs: 0.3 },
  });
  const body = createPushStream();
  body.push('{"model":"gpt-5",');
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    body: body.stream,
  });
  assert.equal(res.status, 408);
  const json = await res.json();
  assert.equal(json.error.type, "request_timeout");
  assert.match(json.error.message, /stream_idle_timeout_secs/);
  assert.equal(up.seen.length, 0);
  const [record] = await proxy.records();
  assert.equal(record?.status_code, 408);
  assert.equal(record?.outcome, "client_aborted");
  body.end();
});

Deno.test("readRequestBody() with a content-length gives up on idleness, not on a slow upload", async () => {
  const keepAlive = setTimeout(() => {}, 60_000);
  const slow = createPushStream();
  const parts = ["{", '"a"', ":", "1", "}"];
  const req = new Request("http://127.0.0.1/v1/responses", {
    method: "POST",
    body: slow.stream,
    headers: { "content-length": String(parts.join("").length) },
  });
  const read = readRequestBody(req, 1024, { stallMs: 250 });
  // the whole upload takes longer than the idle window, but no gap comes near it
  for (const part of parts) {
    slow.push(part);
    await new Promise((r) => setTimeout(r, 100));
  }
  slow.end();
  assert.equal(new TextDecoder().decode((await read) as Uint8Array), '{"a":1}');

  const stalled = createPushStream();
  stalled.push("{");
  const idle = new Request("http://127.0.0.1/v1/responses", {
    method: "POST",
    body: stalled.stream,
    headers: { "content-length": "7" },
  });
  assert.equal(await readRequestBody(idle, 1024, { stallMs: 250 }), "stalled");
  clearTimeout(keepAlive);
});
