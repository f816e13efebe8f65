/** Pure aggregation of request records into per-group totals, in bounded memory. */
import type { RequestRecord } from "./log_record.ts";
import { cachedInputTokens, isErrorRecord, num } from "./record_parse.ts";

/** What `usage summary` can group by. */
export type SummaryGroupBy = "config" | "upstream" | "model" | "day";

/** The groupings, for option validation. */
export const SUMMARY_GROUPINGS: readonly SummaryGroupBy[] = ["config", "upstream", "model", "day"];

/** Totals of one group. */
export interface SummaryRow {
  key: string;
  requests: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  /** Exact to the millisecond below 10 s, within 0.5% above; null without durations. */
  median_duration_ms: number | null;
}

/** The whole report. */
export interface Summary {
  by: SummaryGroupBy;
  since_ms: number | null;
  rows: SummaryRow[];
  /** Lines that did not parse as a request record (skipped). */
  malformed_lines: number;
}

/** Options of {@linkcode createSummaryBuilder}. */
export interface SummaryOptions {
  by?: SummaryGroupBy;
  /** Records before this time are skipped. */
  sinceMs?: number;
  /** The day key of a timestamp; defaults to the local date `YYYY-MM-DD`. */
  dayOf?: (ms: number) => string;
}

const EXACT_BELOW_MS = 10_000;
const LOG_RATIO = Math.log(1.01); // buckets 1% wide: a midpoint is within 0.5%

/**
 * A duration histogram: 1 ms buckets below 10 s, 1%-wide buckets above. At most ~10,000 + ~1,400
 * buckets per group whatever the number of requests, so memory is bounded.
 */
class DurationHistogram {
  #counts = new Map<number, number>();
  #n = 0;
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const key = ms < EXACT_BELOW_MS
      ? Math.round(ms)
      : EXACT_BELOW_MS + Math.floor(Math.log(ms / EXACT_BELOW_MS) / LOG_RATIO);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#n++;
  }
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

interface Group {
  row: Omit<SummaryRow, "median_duration_ms">;
  durations: DurationHistogram;
}

/** The local date of `ms` as `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function groupKey(record: RequestRecord, by: SummaryGroupBy, dayOf: (ms: number) => string) {
  switch (by) {
    case "config":
      return record.config_name ?? "(none)";
    case "upstream":
      return record.upstream_base_url ?? "(none)";
    case "model":
      return record.model ?? "(unknown)";
    case "day":
      return dayOf(record.timestamp_ms);
  }
}

/** Accumulates records one at a time; `finish()` returns the report. */
export interface SummaryBuilder {
  add(record: RequestRecord): void;
  addMalformed(count?: number): void;
  finish(): Summary;
}

/** Creates a builder; feed it records in any order. */
export function createSummaryBuilder(options: SummaryOptions = {}): SummaryBuilder {
  const by = options.by ?? "config";
  const dayOf = options.dayOf ?? localDay;
  const since = options.sinceMs;
  const groups = new Map<string, Group>();
  let malformed = 0;
  return {
    add(record) {
      if (since !== undefined && record.timestamp_ms < since) return;
      const key = groupKey(record, by, dayOf);
      let group = groups.get(key);
      if (group === undefined) {
        group = {
          row: {
            key,
            requests: 0,
            errors: 0,
            input_tokens: 0,
            cached_input_tokens: 0,
            output_tokens: 0,
            reasoning_tokens: 0,
            total_tokens: 0,
          },
          durations: new DurationHistogram(),
        };
        groups.set(key, group);
      }
      const row = group.row;
      row.requests++;
      if (isErrorRecord(record)) row.errors++;
      const u = record.usage;
      if (u) {
        row.input_tokens += num(u.input_tokens);
        row.cached_input_tokens += cachedInputTokens(record);
        row.output_tokens += num(u.output_tokens);
        row.reasoning_tokens += num(u.reasoning_tokens);
        row.total_tokens += num(u.total_tokens);
      }
      group.durations.add(record.duration_ms);
    },
    addMalformed(count = 1) {
      malformed += count;
    },
    finish() {
      const rows = [...groups.values()].map((g) => ({
        ...g.row,
        median_duration_ms: g.durations.median(),
      }));
      rows.sort((a, b) =>
        by === "day"
          ? a.key.localeCompare(b.key)
          : b.requests - a.requests || a.key.localeCompare(b.key)
      );
      return { by, since_ms: since ?? null, rows, malformed_lines: malformed };
    },
  };
}

/** Wrong `--since` value. */
export class SinceParseError extends Error {
  constructor(value: string) {
    super(
      `Cannot read --since "${value}": use a duration like 7d, 24h, 30m or a date like 2026-01-31`,
    );
    this.name = "SinceParseError";
  }
}

/**
 * Turns `7d`, `24h`, `30m`, a date (`2026-01-31`, local midnight) or an ISO time into epoch ms.
 *
 * @example
 * ```ts
 * parseSince("24h", 86_400_000 * 2); // 86_400_000
 * ```
 */
export function parseSince(value: string, nowMs: number): number {
  const rel = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/i.exec(value.trim());
  if (rel) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      rel[2]!.toLowerCase() as "m" | "h" | "d" | "w"
    ];
    return nowMs - Number(rel[1]) * unit;
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (day) {
    const ms = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime();
    if (Number.isFinite(ms) && localDay(ms) === value.trim()) return ms;
    throw new SinceParseError(value);
  }
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value.trim()) && Number.isFinite(ms)) return ms;
  throw new SinceParseError(value);
}
