import assert from "node:assert/strict";
import { createUsageParser, createUsageTap, type UsageResult } from "../../src/usage/record.ts";

const enc = new TextEncoder();

function sse(data: object | string, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ""}data: ${payload}\n\n`;
}

/** Feeds `text` in chunks of `size` bytes (splitting lines and multi-byte characters). */
function parse(text: string, contentType: string, size: number): UsageResult {
  const parser = createUsageParser(contentType);
  const bytes = enc.encode(text);
  for (let i = 0; i < bytes.length; i += size) parser.feed(bytes.subarray(i, i + size));
  return parser.finish();
}

function eachChunking(text: string, contentType: string, check: (r: UsageResult) => void): void {
  for (const size of [1, 3, 7, 64, 1 << 20]) check(parse(text, contentType, size));
}

const RESPONSES = sse({
  type: "response.created",
  response: { id: "r1", model: "gpt-test", usage: null },
}) +
  sse({ type: "response.output_text.delta", delta: 'héllo "type":"response.completed" ✓' }) +
  sse({
    type: "response.completed",
    response: {
      id: "r1",
      model: "gpt-test",
      usage: {
        input_tokens: 1000,
        input_tokens_details: { cached_tokens: 800 },
        output_tokens: 50,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 1050,
      },
    },
  });

Deno.test("usage parser reads Responses SSE usage at any chunking", () => {
  eachChunking(RESPONSES, "text/event-stream; charset=utf-8", (r) => {
    assert.deepEqual(r.usage, {
      input_tokens: 1000,
      output_tokens: 50,
      reasoning_tokens: 20,
      total_tokens: 1050,
      cached_input_tokens: 800,
    });
    assert.equal(r.model, "gpt-test");
    assert.equal(r.terminal, true);
  });
});

Deno.test("usage parser: response.created with usage null never yields a zero record", () => {
  const text = sse({ type: "response.created", response: { id: "r1", model: "m", usage: null } }) +
    sse({ type: "response.output_text.delta", delta: "x" });
  const r = parse(text, "text/event-stream", 5);
  assert.equal(r.usage, null);
  assert.equal(r.model, "m");
  assert.equal(r.terminal, false);
  assert.equal(r.recognised, true);
});

Deno.test("usage parser reads Chat Completions SSE usage and [DONE]", () => {
  const chunk = (extra: object) =>
    sse({ id: "c1", object: "chat.completion.chunk", model: "chat-test", ...extra });
  const text = chunk({ choices: [{ delta: { content: "hi" } }] }) +
    chunk({
      choices: [],
      usage: {
        prompt_tokens: 11,
        completion_tokens: 4,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 3 },
      },
    }) +
    sse("[DONE]");
  eachChunking(text, "text/event-stream", (r) => {
    assert.deepEqual(r.usage, {
      input_tokens: 11,
      output_tokens: 4,
      reasoning_tokens: 0,
      total_tokens: 15,
      cached_input_tokens: 3,
    });
    assert.equal(r.model, "chat-test");
    assert.equal(r.terminal, true);
  });
});

Deno.test("usage parser merges Anthropic message_start and message_delta usage, cache included", () => {
  const text = sse({
    type: "message_start",
    message: {
      id: "m1",
      model: "claude-test",
      usage: {
        input_tokens: 25,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 10,
        output_tokens: 1,
      },
    },
  }, "message_start") +
    sse(
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } },
      "content_block_delta",
    ) +
    sse(
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } },
      "message_delta",
    ) +
    sse({ type: "message_stop" }, "message_stop");
  eachChunking(text.replaceAll("\n", "\r\n"), "text/event-stream", (r) => {
    assert.deepEqual(r.usage, {
      input_tokens: 40,
      output_tokens: 9,
      reasoning_tokens: 0,
      total_tokens: 49,
      cached_input_tokens: 10,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 10,
    });
    assert.equal(r.model, "claude-test");
    assert.equal(r.terminal, true);
  });
});

Deno.test("usage parser reads non-streaming JSON of each protocol", async (t) => {
  const cases: [string, object, number, number][] = [
    [
      "responses",
      {
        object: "response",
        model: "m",
        usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
      },
      7,
      10,
    ],
    [
      "chat",
      { object: "chat.completion", model: "m", usage: { prompt_tokens: 2, completion_tokens: 1 } },
      2,
      3,
    ],
    [
      "anthropic",
      {
        type: "message",
        model: "m",
        usage: { input_tokens: 4, output_tokens: 6, cache_read_input_tokens: 2 },
      },
      6,
      12,
    ],
  ];
  for (const [name, body, input, total] of cases) {
    await t.step(name, () => {
      eachChunking(JSON.stringify(body), "application/json", (r) => {
        assert.equal(r.usage?.input_tokens, input);
        assert.equal(r.usage?.total_tokens, total);
        assert.equal(r.model, "m");
      });
    });
  }
  await t.step("an error body has no usage", () => {
    assert.equal(parse('{"error":{"message":"x"}}', "application/json", 4).usage, null);
  });
});

Deno.test("createUsageTap() passes every byte through unchanged", async () => {
  const tap = createUsageTap("text/event-stream");
  const bytes = enc.encode(RESPONSES);
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 13) c.enqueue(bytes.slice(i, i + 13));
      c.close();
    },
  });
  const out = await new Response(source.pipeThrough(tap.stream)).text();
  assert.equal(out, RESPONSES);
  assert.equal(tap.result().usage?.total_tokens, 1050);
});

/** Feeds `text` split in two at byte `at`. */
function parseSplit(text: string, at: number): UsageResult {
  const parser = createUsageParser("text/event-stream");
  const bytes = enc.encode(text);
  parser.feed(bytes.subarray(0, at));
  parser.feed(bytes.subarray(at));
  return parser.finish();
}

Deno.test("usage parser finds the same usage with the body split at every byte", () => {
  const whole = parse(RESPONSES, "text/event-stream", 1 << 20);
  assert.equal(whole.usage?.input_tokens, 1000);
  const length = enc.encode(RESPONSES).length;
  for (let at = 0; at <= length; at++) assert.deepEqual(parseSplit(RESPONSES, at), whole);
});

Deno.test("usage parser reads CRLF events and a model name split inside a multi-byte character", () => {
  const text = RESPONSES.replaceAll("\n", "\r\n").replaceAll("gpt-test", "gpt-tëst-✓");
  const length = enc.encode(text).length;
  for (let at = 0; at <= length; at++) {
    const r = parseSplit(text, at);
    assert.equal(r.model, "gpt-tëst-✓", `split at ${at}`);
    assert.equal(r.usage?.total_tokens, 1050, `split at ${at}`);
    assert.equal(r.terminal, true);
  }
});

Deno.test("usage parser: a delta whose text mentions usage or [DONE] ends nothing", () => {
  const text = sse({ type: "response.created", response: { model: "m", usage: null } }) +
    sse({ type: "response.output_text.delta", delta: '"usage":{"input_tokens":9} [DONE]' });
  eachChunking(text, "text/event-stream", (r) => {
    assert.equal(r.usage, null);
    assert.equal(r.terminal, false);
    assert.equal(r.recognised, true);
  });
});

Deno.test("usage parser reads a completed event whose type is not the first key", () => {
  const text = sse({ type: "response.created", response: { model: "m", usage: null } }) +
    sse({
      sequence_number: 3,
      type: "response.completed",
      response: { model: "m", usage: { input_tokens: 5, output_tokens: 2 } },
    });
  eachChunking(text, "text/event-stream", (r) => {
    assert.equal(r.usage?.total_tokens, 7);
    assert.equal(r.terminal, true);
  });
});
