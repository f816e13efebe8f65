/** Timers that fire only when the test says so (no waiting on the wall clock). */
import type { PollerTimers } from "../../src/usage/quota_poller.ts";

/** A `PollerTimers` whose callbacks run on `fireAll()`. */
export class ManualTimers implements PollerTimers {
  #next = 1;
  pending = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.pending.delete(id as number);
  }
  /** The delays of the pending timers, shortest first. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms).sort((a, b) => a - b);
  }
  /** Runs every pending timer once. */
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}
