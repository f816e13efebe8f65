// deno-lint-ignore-file no-console
/**
 * The floor for a Deno proxy: `Deno.serve` + `fetch`, nothing else (no failover, log, filter).
 * With `--tap`, the reply is read chunk by chunk in JS (a BYOB reader with one reused buffer, a
 * pull stream to the client) and nothing else: the floor for any proxy that must see the bytes,
 * e.g. to read usage.
 * Usage: deno run -A minimal_passthrough.ts <upstream base url> [--tap]. Prints its port.
 */
const upstream = Deno.args[0]!;
const tap = Deno.args.includes("--tap");

function tapped(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(16 * 1024);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) {
        controller.close();
        return;
      }
      buffer = value.buffer as ArrayBuffer;
      controller.enqueue(value.slice());
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  headers.delete("host");
  const res = await fetch(upstream + url.pathname + url.search, {
    method: req.method,
    headers,
    body: req.body,
    signal: req.signal,
  });
  const body = tap && res.body ? tapped(res.body) : res.body;
  return new Response(body, { status: res.status, headers: res.headers });
});
console.log(`port ${server.addr.port}`);
