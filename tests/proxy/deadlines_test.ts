import assert from "node:assert/strict";
import { createDeadlines } from "../../src/proxy/deadlines.ts";

/** The ticker never holds the process open (a proxy always has its socket); a test must. */
async function keepingAlive<T>(work: Promise<T>): Promise<T> {
  const hold = setTimeout(() => {}, 60_000);
  try {
    return await work;
  } finally {
    clearTimeout(hold);
  }
}

Deno.test("deadlines fire once, late by at most about a tick, and can be cancelled", async () => {
  const deadlines = createDeadlines({ tickMs: 5 });
  const start = Date.now();
  let cancelledFired = false;
  deadlines.after(20, () => void (cancelledFired = true)).cancel();
  const firedAt = await keepingAlive(
    new Promise<number>((resolve) => deadlines.after(30, () => resolve(Date.now()))),
  );
  assert.ok(firedAt - start >= 30);
  assert.equal(cancelledFired, false);
});

Deno.test("a deadline callback that returns a number is re-armed", async () => {
  const deadlines = createDeadlines({ tickMs: 5 });
  let calls = 0;
  await keepingAlive(
    new Promise<void>((resolve) => {
      deadlines.after(10, () => {
        calls++;
        if (calls < 3) return 10;
        resolve();
      });
    }),
  );
  assert.equal(calls, 3);
});
