/**
 * Coarse deadlines on one shared ticker: a request's timeouts cost a Set insert, not a timer.
 * A deadline fires at most one tick late; the ticker runs only while a deadline is pending.
 */

/** A pending deadline. */
export interface Deadline {
  cancel(): void;
}

/**
 * Called when the deadline passes; return a number of milliseconds to re-arm it instead of
 * letting it end (e.g. a stall watchdog that saw bytes in the meantime).
 */
export type DeadlineCallback = () => number | void;

interface Entry {
  at: number;
  fire: DeadlineCallback;
}

/** Options of {@linkcode createDeadlines}. */
export interface DeadlinesOptions {
  /** Tick length; deadlines fire up to this much late. */
  tickMs?: number;
}

/** A set of deadlines sharing one ticker. */
export interface Deadlines {
  after(ms: number, fire: DeadlineCallback): Deadline;
}

/** Creates a deadline set. */
export function createDeadlines(options: DeadlinesOptions = {}): Deadlines {
  const tickMs = options.tickMs ?? 25;
  const entries = new Set<Entry>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let idleTicks = 0;

  const tick = (): void => {
    if (entries.size === 0) {
      // stay armed through short gaps between requests, then stop
      if (++idleTicks > 40 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
      return;
    }
    idleTicks = 0;
    const now = Date.now();
    for (const entry of entries) {
      if (entry.at > now) continue;
      const again = entry.fire();
      if (typeof again === "number" && again > 0 && entries.has(entry)) entry.at = now + again;
      else entries.delete(entry);
    }
  };

  return {
    after(ms, fire) {
      const entry: Entry = { at: Date.now() + ms, fire };
      entries.add(entry);
      if (timer === undefined) {
        const id = setInterval(tick, tickMs);
        // never keeps the process alive on its own
        Deno.unrefTimer(id);
        timer = id;
      }
      return { cancel: () => void entries.delete(entry) };
    },
  };
}

/** The process-wide deadline set used by the proxy. */
export const DEADLINES: Deadlines = createDeadlines();
