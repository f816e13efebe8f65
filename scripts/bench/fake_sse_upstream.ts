// deno-lint-ignore-file no-console
/**
 * A fake Responses API upstream for benchmarks: `POST /v1/responses` answers a short SSE stream
 * at once; `/slow` sends one event per second for two minutes. Prints its port, then serves.
 */
const enc = new TextEncoder();

function sse(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

const base = { id: "resp_bench", object: "response", model: "bench-model" };
const STREAM = enc.encode(
  sse({ type: "response.created", response: { ...base, usage: null } }) +
    sse({
      type: "response.output_text.delta",
      item_id: "m",
      delta: "Hello from the bench upstream",
    }) +
    sse({
      type: "response.completed",
      response: {
        ...base,
        status: "completed",
        usage: { input_tokens: 100, output_tokens: 10, total_tokens: 110 },
      },
    }),
);

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
  return new Response(STREAM, { headers });
});
console.log(`port ${server.addr.port}`);
