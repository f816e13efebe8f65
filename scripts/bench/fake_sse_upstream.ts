// deno-lint-ignore-file no-console
/**
 * A fake Responses API upstream for benchmarks: `POST /v1/responses` answers a Codex-like SSE turn
 * at once (36 events of a few hundred bytes, one write each; with `--short`, three small events in
 * one write, which measures the fixed cost per request). `/slow` sends one event per second for
 * two minutes. Prints its port, then serves.
 */
const enc = new TextEncoder();

function sse(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

const base = { id: "resp_bench", object: "response", model: "bench-model" };
/** A Codex-like turn: created, in_progress, 32 text deltas of a few hundred bytes, completed. */
const EVENTS = [
  sse({ type: "response.created", response: { ...base, status: "in_progress", usage: null } }),
  sse({ type: "response.in_progress", response: { ...base, status: "in_progress", usage: null } }),
  ...Array.from({ length: 32 }, (_, i) =>
    sse({
      type: "response.output_text.delta",
      item_id: "msg_bench_0123456789abcdef",
      output_index: 0,
      content_index: 0,
      sequence_number: i + 2,
      delta: `token ${i} `.repeat(20),
    })),
  sse({
    type: "response.completed",
    response: {
      ...base,
      status: "completed",
      output: [{
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "…" }],
      }],
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 64 },
        output_tokens: 10,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 110,
      },
    },
  }),
].map((e) => enc.encode(e));

const SHORT = enc.encode(
  [EVENTS[0]!, EVENTS[2]!, EVENTS.at(-1)!].map((e) => new TextDecoder().decode(e)).join(""),
);

/** One write per event, as a model server streams them. */
function turn(): BodyInit {
  if (Deno.args.includes("--short")) return SHORT as Uint8Array<ArrayBuffer>;
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < EVENTS.length) c.enqueue(EVENTS[i++]!);
      else c.close();
    },
  });
}

function slow(): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  let n = 0;
  return new ReadableStream({
    start(c) {
      c.enqueue(enc.encode(sse({ type: "response.created", response: { ...base, usage: null } })));
      timer = setInterval(() => {
        if (++n > 120) {
          clearInterval(timer);
          c.close();
          return;
        }
        c.enqueue(enc.encode(sse({ type: "response.output_text.delta", delta: "." })));
      }, 1000);
    },
    cancel() {
      clearInterval(timer);
    },
  });
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  await req.body?.cancel();
  const headers = { "content-type": "text/event-stream" };
  if (new URL(req.url).pathname === "/slow") return new Response(slow(), { headers });
  return new Response(turn(), { headers });
});
console.log(`port ${server.addr.port}`);
