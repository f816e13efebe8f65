import assert from "node:assert/strict";
import {
  createdEvent,
  createPushStream,
  postResponses,
  readUntil,
  responsesStream,
  sse,
  sseResponse,
  startFakeUpstream,
  startProxy,
  waitFor,
} from "./fake_upstream.ts";

Deno.test("each event reaches the client before the upstream sends the next one", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [up.url] });
  push.push(createdEvent);
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  // the upstream sends each next event only after the client has seen the previous one
  assert.match(await readUntil(reader, "response.created"), /response\.created/);
  push.push(sse({ type: "response.output_text.delta", delta: "one" }));
  assert.match(await readUntil(reader, '"one"'), /one/);
  push.push(sse({ type: "response.output_text.delta", delta: "two" }));
  assert.match(await readUntil(reader, '"two"'), /two/);
  push.push(responsesStream("end").split("\n\n").slice(-2).join("\n\n"));
  push.end();
  while (!(await reader.read()).done) { /* drain */ }
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.usage!.total_tokens, 150);
});

Deno.test("a stream cut mid-way ends the client's stream and counts as a failure", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [up.url] });
  push.push(createdEvent);
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "response.created");
  push.fail();
  await assert.rejects(async () => {
    while (!(await reader.read()).done) { /* drain */ }
  });
  await waitFor(async () => (await proxy.records()).length === 1);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "stream_cut");
  assert.equal(rec!.usage, null);
  assert.equal(proxy.pool.snapshot()[0]!.failures, 1);
  assert.equal(proxy.counters.stream_cut, 1);
});

Deno.test("a stream that closes before response.completed is logged as stream_cut", async () => {
  await using up = startFakeUpstream(() => sseResponse(createdEvent));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const res = await postResponses(proxy.url);
  assert.equal(await res.text(), createdEvent);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "stream_cut");
  assert.equal(proxy.pool.snapshot()[0]!.failures, 1);
});

Deno.test("a stalled stream is ended after stream_idle_timeout_secs", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({
    upstreams: [up.url],
    settings: { stream_idle_timeout_secs: 0.3 },
  });
  push.push(createdEvent);
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "response.created");
  await assert.rejects(async () => {
    while (!(await reader.read()).done) { /* drain */ }
  });
  await push.cancelled; // the upstream request was aborted
  await waitFor(async () => (await proxy.records()).length === 1);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "stream_stalled");
  assert.equal(proxy.pool.snapshot()[0]!.failures, 1);
});

Deno.test("a client that disconnects aborts the upstream request", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [up.url] });
  push.push(createdEvent);
  const client = new AbortController();
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    body: "{}",
    signal: client.signal,
  });
  const reader = res.body!.getReader();
  await readUntil(reader, "response.created");
  client.abort();
  await push.cancelled; // resolves only when the upstream sees the abort
  await waitFor(async () => (await proxy.records()).length === 1);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "client_aborted");
  assert.equal(proxy.pool.snapshot()[0]!.failures, 0);
});

Deno.test("a client that disconnects while waiting for headers aborts the upstream request", async () => {
  let aborted = () => {};
  const sawAbort = new Promise<void>((r) => aborted = r);
  await using up = startFakeUpstream((req) =>
    new Promise<Response>((resolve) => {
      req.signal.addEventListener("abort", () => {
        aborted();
        resolve(new Response("late"));
      });
    })
  );
  await using proxy = await startProxy({ upstreams: [up.url] });
  const client = new AbortController();
  const pending = fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    body: "{}",
    signal: client.signal,
  }).catch(() => undefined);
  await waitFor(() => up.seen.length === 1);
  client.abort();
  await pending;
  await sawAbort;
  await waitFor(async () => (await proxy.records()).length === 1);
  assert.equal((await proxy.records())[0]!.outcome, "client_aborted");
});

Deno.test("shutdown lets a stream finish within the grace period, then cuts it", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  const proxy = await startProxy({ upstreams: [up.url] });
  push.push(createdEvent);
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "response.created");
  const closing = proxy.close(); // grace 2 s, never finished by the upstream
  await assert.rejects(async () => {
    while (!(await reader.read()).done) { /* drain */ }
  });
  await closing;
  await push.cancelled;
});
