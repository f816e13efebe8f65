/** A bounded-memory duration histogram for medians, mergeable across threads. */

const EXACT_BELOW_MS = 10_000;
const LOG_RATIO = Math.log(1.01); // buckets 1% wide: a midpoint is within 0.5%

/** Bucket counts as `[bucket, count]` pairs, as they cross to another thread. */
export type DurationBuckets = [number, number][];

/**
 * A duration histogram: 1 ms buckets below 10 s, 1%-wide buckets above. At most ~10,000 + ~1,400
 * buckets per group whatever the number of requests, so memory is bounded.
 */
export class DurationHistogram {
  #counts = new Map<number, number>();
  #n = 0;
  /** Counts one duration; ignores one that is not a finite number >= 0. */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const key = ms < EXACT_BELOW_MS
      ? Math.round(ms)
      : EXACT_BELOW_MS + Math.floor(Math.log(ms / EXACT_BELOW_MS) / LOG_RATIO);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#n++;
  }
  /** The buckets, for {@linkcode DurationHistogram.merge} elsewhere. */
  buckets(): DurationBuckets {
    return [...this.#counts];
  }
  /** Adds another histogram's buckets. */
  merge(buckets: DurationBuckets): void {
    for (const [key, count] of buckets) {
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
      this.#n += count;
    }
  }
  /** The median (midpoint of the two middle values for an even count); null when empty. */
  median(): number | null {
    if (this.#n === 0) return null;
    const keys = [...this.#counts.keys()].sort((a, b) => a - b);
    const lo = this.#valueAtRank(keys, Math.floor((this.#n - 1) / 2));
    const hi = this.#valueAtRank(keys, Math.floor(this.#n / 2));
    return Math.round((lo + hi) / 2);
  }
  #valueAtRank(keys: number[], rank: number): number {
    let seen = 0;
    for (const key of keys) {
      seen += this.#counts.get(key) ?? 0;
      if (seen > rank) return valueOf(key);
    }
    return valueOf(keys[keys.length - 1] ?? 0);
  }
}

function valueOf(key: number): number {
  if (key < EXACT_BELOW_MS) return key;
  const i = key - EXACT_BELOW_MS;
  return EXACT_BELOW_MS * Math.exp((i + 0.5) * LOG_RATIO);
}
