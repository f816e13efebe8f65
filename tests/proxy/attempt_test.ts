import assert from "node:assert/strict";
import { planAttempts } from "../../src/proxy/attempt.ts";
import { describeError } from "../../src/proxy/forward.ts";
import { findFirstEvent } from "../../src/proxy/first_event.ts";
import { judgeStreamEnd, type StreamEnd } from "../../src/proxy/stream_end.ts";
import { UpstreamPool } from "../../src/proxy/upstream_pool.ts";

Deno.test("an attempt is settled exactly once: the first verdict wins", () => {
  const pool = new UpstreamPool(["http://a"], { failureThreshold: 1, cooldownMs: 1000 });
  const told: string[] = [];
  const [attempt] = planAttempts(pool, { onSettled: (u) => told.push(u) });
  attempt!.send();
  attempt!.send();
  attempt!.settle("success");
  attempt!.settle("failure");
  attempt!.settle("none");
  const health = pool.snapshot()[0]!;
  assert.equal(health.requests, 1);
  assert.equal(health.failures, 0);
  assert.equal(health.state, "closed");
  assert.deepEqual(told, ["http://a"]);
});

Deno.test("an attempt never sent only frees its half-open probe", () => {
  let t = 0;
  const pool = new UpstreamPool(["http://a"], {
    failureThreshold: 1,
    cooldownMs: 1000,
    now: () => t,
  });
  const [first] = planAttempts(pool);
  first!.send();
  first!.settle("failure");
  t = 2000; // the cooldown is over: the next plan claims the probe
  const told: string[] = [];
  const [probe] = planAttempts(pool, { onSettled: (u) => told.push(u) });
  assert.equal(pool.snapshot()[0]!.state, "half_open");
  assert.deepEqual(planAttempts(pool).map((a) => a.baseUrl), ["http://a"]); // (all open: tried anyway)
  probe!.settle("failure"); // never sent: no verdict
  assert.equal(pool.snapshot()[0]!.failures, 1);
  assert.deepEqual(told, []);
});

Deno.test("judgeStreamEnd() maps each end to one log outcome and one breaker verdict", async (t) => {
  const cases: [StreamEnd, boolean, string, string][] = [
    [{ kind: "completed" }, false, "completed", "success"],
    [{ kind: "completed" }, true, "upstream_error", "none"],
    [
      { kind: "failed", failure: { type: "response.failed", code: "server_error" } },
      false,
      "upstream_error",
      "failure",
    ],
    [
      { kind: "failed", failure: { type: "error", code: "invalid_prompt" } },
      false,
      "upstream_error",
      "none",
    ],
    [{ kind: "cut", error: "x" }, false, "stream_cut", "failure"],
    [{ kind: "stalled", error: "x" }, false, "stream_stalled", "failure"],
    [{ kind: "client_gone_after_terminal" }, false, "completed", "success"],
    [{ kind: "client_gone_before_terminal" }, false, "client_aborted", "none"],
    [{ kind: "shutdown" }, false, "shutdown", "none"],
  ];
  for (const [end, clientError, outcome, verdict] of cases) {
    await t.step(`${end.kind}${clientError ? " (4xx)" : ""}`, () => {
      const judged = judgeStreamEnd(end, { clientError });
      assert.equal(judged.outcome, outcome);
      assert.equal(judged.verdict, verdict);
    });
  }
});

Deno.test("findFirstEvent() skips comments and empty blocks", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(findFirstEvent(enc(": keep-alive\n\n")), undefined);
  assert.equal(findFirstEvent(enc(": a\r\n\r\n\n\nevent: x\ndata: {}")), undefined);
  assert.deepEqual(findFirstEvent(enc(": a\r\n\r\nevent: x\r\ndata: {}\r\n\r\nrest")), {
    start: 7,
    end: 29,
  });
  assert.deepEqual(findFirstEvent(enc("data\n\n")), { start: 0, end: 6 });
  assert.equal(findFirstEvent(enc("database: 1\n\n")), undefined);
});

Deno.test("describeError() keeps the causes and masks URL credentials", () => {
  const cause = new Error(
    "error sending request for url (http://u:sk-test-pw@127.0.0.1:9/v1/responses?key=sk-test-q): tcp connect error: Connection refused",
  );
  const text = describeError(new TypeError("fetch failed", { cause }));
  assert.match(text, /^TypeError: fetch failed: error sending request .*Connection refused$/);
  assert.ok(!text.includes("sk-test"), text);
  assert.match(text, /http:\/\/127\.0\.0\.1:9\/v1\/responses\?key=\*\*\*/);
});
