// deno-lint-ignore-file no-console
/**
 * The floor for a Deno proxy: `Deno.serve` + `fetch`, nothing else (no failover, log, filter).
 * Usage: deno run -A minimal_passthrough.ts <upstream base url>. Prints its port.
 */
const upstream = Deno.args[0]!;
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
  return new Response(res.body, { status: res.status, headers: res.headers });
});
console.log(`port ${server.addr.port}`);
