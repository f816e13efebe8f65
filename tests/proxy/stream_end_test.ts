/** After the first event: each way a relayed stream ends drives the log and the breaker. */
import assert from "node:assert/strict";
import {
  createdEvent,
  createPushStream,
  postResponses,
  readUntil,
  refusedUrl,
  responsesStream,
  sse,
  sseResponse,
  startFakeUpstream,
  startProxy,
  waitFor,
} from "./fake_upstream.ts";

const delta = sse({ type: "response.output_text.delta", delta: "partial" });
const failed = (code: string) =>
  sse({
    type: "response.failed",
    response: { id: "resp_1", status: "failed", error: { code, message: "it broke" } },
  });

Deno.test("a client that leaves right after response.completed has a completed turn", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [up.url] });
  push.push(responsesStream("whole answer"));
  // the upstream's end of stream comes later than the client's close (as Codex does it)
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "response.completed");
  await reader.cancel();
  await push.cancelled;
  await waitFor(async () => (await proxy.records()).length === 1);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.usage!.total_tokens, 150);
  assert.equal(proxy.counters.completed, 1);
  assert.equal(proxy.counters.client_aborted, 0);
});

Deno.test("a client that leaves before the terminal event is client_aborted and no breaker verdict", async () => {
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [up.url], settings: { failure_threshold: 1 } });
  push.push(createdEvent + delta);
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "partial");
  await reader.cancel();
  await push.cancelled;
  await waitFor(async () => (await proxy.records()).length === 1);
  assert.equal((await proxy.records())[0]!.outcome, "client_aborted");
  const health = proxy.pool.snapshot()[0]!;
  assert.equal(health.failures, 0);
  assert.equal(health.state, "closed");
});

Deno.test("an upstream that fails after its first event opens its breaker", async (t) => {
  const enc = new TextEncoder();
  // what the upstream does once the proxy has relayed its first event and asks for more
  const endings: [string, (c: ReadableStreamDefaultController<Uint8Array>) => void, string][] = [
    ["cut", (c) => c.error(new Error("cut")), "stream_cut"],
    ["closed early", (c) => c.close(), "stream_cut"],
    ["stalled", () => {}, "stream_stalled"],
    ["response.failed server_error", (c) => {
      c.enqueue(enc.encode(failed("server_error")));
      c.close();
    }, "upstream_error"],
  ];
  for (const [name, end, outcome] of endings) {
    await t.step(name, async () => {
      await using bad = startFakeUpstream(() => {
        let pulls = 0;
        return sseResponse(
          new ReadableStream<Uint8Array>({
            pull(c) {
              if (pulls++ === 0) c.enqueue(enc.encode(createdEvent + delta));
              else if (pulls === 2) end(c);
              else return new Promise(() => {});
            },
          }, { highWaterMark: 0 }),
        );
      });
      await using good = startFakeUpstream(() => sseResponse(responsesStream("ok")));
      await using proxy = await startProxy({
        upstreams: [bad.url, good.url],
        settings: { failure_threshold: 2, stream_idle_timeout_secs: 0.3 },
      });
      for (let i = 0; i < 6; i++) {
        const res = await postResponses(proxy.url);
        await res.text().catch(() => "");
        await waitFor(async () => (await proxy.records()).length === i + 1);
      }
      assert.equal(bad.seen.length, 2);
      assert.equal(good.seen.length, 4);
      const records = await proxy.records();
      assert.deepEqual(records.slice(0, 2).map((r) => r.outcome), [outcome, outcome]);
      assert.deepEqual(records.slice(2).map((r) => r.outcome), Array(4).fill("completed"));
      assert.equal(proxy.pool.snapshot()[0]!.state, "open");
    });
  }
});

Deno.test("failed terminal events are upstream_error; only retryable codes count against the breaker", async (t) => {
  const cases: [string, string, string, boolean][] = [
    ["responses server_error", "text/event-stream", createdEvent + failed("server_error"), true],
    [
      "responses error event",
      "text/event-stream",
      createdEvent + sse({ type: "error", code: "rate_limit_exceeded", message: "slow down" }),
      true,
    ],
    [
      "responses context too long",
      "text/event-stream",
      createdEvent + failed("context_length_exceeded"),
      false,
    ],
    [
      "anthropic overloaded_error",
      "text/event-stream",
      sse({
        type: "message_start",
        message: { id: "m", model: "claude-x", usage: { input_tokens: 3 } },
      }, "message_start") +
      sse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error"),
      true,
    ],
  ];
  for (const [name, type, body, retryable] of cases) {
    await t.step(name, async () => {
      await using up = startFakeUpstream(() =>
        new Response(body, { headers: { "content-type": type } })
      );
      await using proxy = await startProxy({ upstreams: [up.url] });
      const res = await postResponses(proxy.url);
      assert.equal(res.status, 200);
      await res.text();
      await waitFor(async () => (await proxy.records()).length === 1);
      const [rec] = await proxy.records();
      assert.equal(rec!.outcome, "upstream_error");
      assert.equal(proxy.counters.completed, 0);
      assert.equal(proxy.pool.snapshot()[0]!.failures, retryable ? 1 : 0);
    });
  }
});

Deno.test("an SSE comment before the first event does not commit the stream", async () => {
  await using bad = startFakeUpstream(() =>
    sseResponse(": keep-alive\n\n\n" + failed("server_error"))
  );
  await using good = startFakeUpstream(() => sseResponse(responsesStream("from backup")));
  await using proxy = await startProxy({ upstreams: [bad.url, good.url] });
  const res = await postResponses(proxy.url);
  const text = await res.text();
  assert.match(text, /from backup/);
  assert.doesNotMatch(text, /response\.failed/);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.attempts!.length, 2);
});

Deno.test("when every upstream fails the client gets the most informative reply seen", async () => {
  const limit = {
    error: { type: "usage_limit_reached", message: "The usage limit has been reached" },
  };
  await using limited = startFakeUpstream(() => Response.json(limit, { status: 429 }));
  await using proxy = await startProxy({ upstreams: [limited.url, refusedUrl()] });
  const res = await postResponses(proxy.url);
  assert.equal(res.status, 429);
  assert.deepEqual(await res.json(), limit);
  const [rec] = await proxy.records();
  assert.equal(rec!.status_code, 429);
  assert.equal(rec!.outcome, "upstream_error");
  assert.equal(rec!.attempts!.length, 2);
});

Deno.test("a huge Retry-After is capped by proxy.max_retry_after_secs", async (t) => {
  for (
    const [settings, capMs] of [[{}, 3600_000], [{ max_retry_after_secs: 60 }, 60_000]] as const
  ) {
    await t.step(`cap ${capMs} ms`, async () => {
      await using up = startFakeUpstream(() =>
        Response.json({ error: { type: "rate_limit" } }, {
          status: 429,
          headers: { "retry-after": "31536000" },
        })
      );
      await using proxy = await startProxy({ upstreams: [up.url], settings });
      await (await postResponses(proxy.url)).text();
      const health = proxy.pool.snapshot()[0]!;
      assert.equal(health.state, "open");
      assert.ok(health.cooldown_remaining_ms <= capMs, String(health.cooldown_remaining_ms));
      assert.ok(
        health.cooldown_remaining_ms > capMs - 60_000,
        String(health.cooldown_remaining_ms),
      );
    });
  }
});

Deno.test("204, 205 and 304 pass through with no body and are logged completed", async (t) => {
  for (const status of [204, 205, 304]) {
    await t.step(String(status), async () => {
      await using up = startFakeUpstream(() => new Response(null, { status }));
      await using proxy = await startProxy({ upstreams: [up.url] });
      const res = await fetch(`${proxy.url}/v1/things`, { method: "DELETE" });
      assert.equal(res.status, status);
      assert.equal(await res.text(), "");
      const [rec] = await proxy.records();
      assert.equal(rec!.status_code, status);
      assert.equal(rec!.outcome, "completed");
    });
  }
});

Deno.test("an attempt error keeps the cause and masks URL credentials", async () => {
  const dead = refusedUrl().replace("http://", "http://u:sk-test-pw@");
  await using proxy = await startProxy({ upstreams: [dead] });
  const res = await postResponses(proxy.url);
  assert.equal(res.status, 502);
  const reply = await res.text();
  const [rec] = await proxy.records();
  const error = rec!.attempts![0]!.error!;
  assert.match(error, /refused/i);
  assert.doesNotMatch(error, /^TypeError: fetch failed$/);
  for (const text of [reply, JSON.stringify(rec)]) assert.ok(!text.includes("sk-test"), text);
});

Deno.test("a client that stopped reading at shutdown still gets its log line", async () => {
  const chunk = "data: " +
    JSON.stringify({ type: "response.output_text.delta", delta: "x".repeat(60_000) }) + "\n\n";
  let sent = 0;
  await using up = startFakeUpstream(() =>
    sseResponse(
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(createdEvent));
        },
        pull(c) {
          // endless: the client's socket fills up and the proxy stops pulling
          sent++;
          c.enqueue(new TextEncoder().encode(chunk));
        },
      }, { highWaterMark: 0 }),
    )
  );
  await using proxy = await startProxy({ upstreams: [up.url] });
  const res = await postResponses(proxy.url);
  const reader = res.body!.getReader();
  await readUntil(reader, "response.created");
  // wait until the proxy is blocked by the client (the upstream is no longer pulled)
  let last = -1;
  while (last !== sent) {
    last = sent;
    await new Promise((r) => setTimeout(r, 200));
  }
  await proxy.close(200);
  const records = await proxy.records();
  assert.equal(records.length, 1);
  assert.equal(records[0]!.outcome, "shutdown");
  await reader.cancel().catch(() => {});
});

Deno.test("a client stalled mid-upload at shutdown still gets its log line", async () => {
  await using up = startFakeUpstream(() => new Response("never"));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const body = createPushStream();
  body.push('{"model":"gpt-5",');
  const pending = fetch(`${proxy.url}/v1/responses`, { method: "POST", body: body.stream })
    .then((r) => r.body?.cancel(), () => {});
  await waitFor(() => proxy.counters.active === 1);
  await proxy.close(100);
  const records = await proxy.records();
  assert.equal(records.length, 1);
  // (the server's graceful shutdown itself ends unread request bodies)
  assert.ok(["shutdown", "client_aborted"].includes(records[0]!.outcome!), records[0]!.outcome);
  assert.equal(up.seen.length, 0);
  body.end();
  await pending;
});
