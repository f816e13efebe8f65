import assert from "node:assert/strict";
import { UpstreamPool } from "../../src/proxy/upstream_pool.ts";

function poolOf(urls: string[], threshold = 2) {
  let t = 1000;
  const pool = new UpstreamPool(urls, {
    failureThreshold: threshold,
    cooldownMs: 30_000,
    now: () => t,
  });
  return { pool, advance: (ms: number) => void (t += ms) };
}

Deno.test("UpstreamPool.plan() lists upstreams in priority order", () => {
  const { pool } = poolOf(["a", "b", "c"]);
  assert.deepEqual(pool.plan(), ["a", "b", "c"]);
});

Deno.test("UpstreamPool opens after the threshold, probes once after the cooldown, closes on success", () => {
  const { pool, advance } = poolOf(["a", "b"]);
  pool.recordFailure("a");
  assert.equal(pool.snapshot()[0]!.state, "closed");
  pool.recordFailure("a");
  assert.equal(pool.snapshot()[0]!.state, "open");
  assert.deepEqual(pool.plan(), ["b"]);
  advance(30_000);
  assert.equal(pool.snapshot()[0]!.state, "half_open");
  assert.deepEqual(pool.plan(), ["a", "b"]);
  // the probe is in flight: nobody else gets "a" meanwhile
  assert.deepEqual(pool.plan(), ["b"]);
  pool.recordSuccess("a");
  assert.equal(pool.snapshot()[0]!.state, "closed");
  assert.deepEqual(pool.plan(), ["a", "b"]);
});

Deno.test("UpstreamPool re-opens at once when the probe fails", () => {
  const { pool, advance } = poolOf(["a", "b"]);
  pool.recordFailure("a");
  pool.recordFailure("a");
  advance(30_000);
  pool.plan();
  pool.recordFailure("a");
  const a = pool.snapshot()[0]!;
  assert.equal(a.state, "open");
  assert.equal(a.cooldown_remaining_ms, 30_000);
});

Deno.test("UpstreamPool uses Retry-After as the cooldown", () => {
  const { pool } = poolOf(["a", "b"], 5);
  pool.recordFailure("a", { cooldownMs: 7000, openNow: true });
  assert.equal(pool.snapshot()[0]!.cooldown_remaining_ms, 7000);
  assert.deepEqual(pool.plan(), ["b"]);
});

Deno.test("UpstreamPool avoids exhausted upstreams while another is available", () => {
  const { pool } = poolOf(["a", "b", "c"]);
  pool.setUsageExhausted("a", true);
  assert.deepEqual(pool.plan(), ["b", "c", "a"]);
  pool.setUsageExhausted("a", false);
  assert.deepEqual(pool.plan(), ["a", "b", "c"]);
});

Deno.test("UpstreamPool never refuses: exhausted first, then the soonest cooldown", () => {
  const { pool, advance } = poolOf(["a", "b"], 1);
  pool.setUsageExhausted("a", true);
  pool.setUsageExhausted("b", true);
  assert.deepEqual(pool.plan(), ["a", "b"]);
  pool.recordFailure("a");
  advance(10_000);
  pool.recordFailure("b", { cooldownMs: 5000 });
  assert.deepEqual(pool.plan(), ["b", "a"]);
});

Deno.test("UpstreamPool.setUpstreams() keeps the state of upstreams that remain", () => {
  const { pool } = poolOf(["a", "b"]);
  pool.recordFailure("a");
  pool.recordFailure("a");
  pool.setUpstreams(["c", "a"]);
  const snap = pool.snapshot();
  assert.deepEqual(snap.map((s) => s.base_url), ["c", "a"]);
  assert.equal(snap[1]!.state, "open");
  assert.equal(snap[1]!.failures, 2);
});

Deno.test("handler: breaker opens, skips the upstream, then probes and closes (injected clock)", async () => {
  const { startFakeUpstream, startProxy, sseResponse, responsesStream } = await import(
    "./fake_upstream.ts"
  );
  let t = 1_000_000;
  let healthy = false;
  await using a = startFakeUpstream(() =>
    healthy ? sseResponse(responsesStream("a")) : new Response("down", { status: 500 })
  );
  await using b = startFakeUpstream(() => sseResponse(responsesStream("b")));
  await using proxy = await startProxy({
    upstreams: [a.url, b.url],
    settings: { failure_threshold: 2, cooldown_secs: 30 },
    now: () => t,
  });
  const ask = async () => {
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
    return await res.text();
  };
  assert.match(await ask(), /"b"/);
  assert.match(await ask(), /"b"/);
  assert.equal(a.seen.length, 2);
  assert.equal(proxy.pool.snapshot()[0]!.state, "open");
  assert.match(await ask(), /"b"/);
  assert.equal(a.seen.length, 2, "open breaker: the upstream is skipped");
  t += 30_000;
  healthy = true;
  assert.match(await ask(), /"a"/);
  assert.equal(proxy.pool.snapshot()[0]!.state, "closed");
});
