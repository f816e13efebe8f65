/** Pure aggregation of request records into per-group totals, in bounded memory. */
import type { RequestRecord } from "./log_record.ts";
import { cachedInputTokens, isErrorRecord, num } from "./record_parse.ts";
import { type DurationBuckets, DurationHistogram } from "./duration_histogram.ts";

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

function groupKey(record: SummaryRecord, by: SummaryGroupBy, dayOf: (ms: number) => string) {
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

/** The fields of a record a summary reads. */
export type SummaryRecord = Pick<
  RequestRecord,
  | "timestamp_ms"
  | "status_code"
  | "duration_ms"
  | "config_name"
  | "upstream_base_url"
  | "usage"
  | "model"
  | "outcome"
>;

/** A builder's partial totals, plain data that can cross to another thread and be merged. */
export interface SummaryState {
  groups: { row: Omit<SummaryRow, "median_duration_ms">; durations: DurationBuckets }[];
  malformed: number;
}

/** Accumulates records one at a time; `finish()` returns the report. */
export interface SummaryBuilder {
  add(record: SummaryRecord): void;
  addMalformed(count?: number): void;
  /** The totals so far, for another builder's `merge`. */
  state(): SummaryState;
  /** Adds the totals of another builder (same options), e.g. one that read another part. */
  merge(state: SummaryState): void;
  finish(): Summary;
}

/** Creates a builder; feed it records in any order. */
export function createSummaryBuilder(options: SummaryOptions = {}): SummaryBuilder {
  const by = options.by ?? "config";
  const dayOf = options.dayOf ?? localDay;
  const since = options.sinceMs;
  const groups = new Map<string, Group>();
  let malformed = 0;
  function groupOf(key: string): Group {
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
    return group;
  }
  return {
    add(record) {
      if (since !== undefined && record.timestamp_ms < since) return;
      const group = groupOf(groupKey(record, by, dayOf));
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
    state() {
      const out = [...groups.values()].map((g) => ({
        row: g.row,
        durations: g.durations.buckets(),
      }));
      return { groups: out, malformed };
    },
    merge(state) {
      for (const { row: other, durations } of state.groups) {
        const group = groupOf(other.key);
        const row = group.row;
        row.requests += other.requests;
        row.errors += other.errors;
        row.input_tokens += other.input_tokens;
        row.cached_input_tokens += other.cached_input_tokens;
        row.output_tokens += other.output_tokens;
        row.reasoning_tokens += other.reasoning_tokens;
        row.total_tokens += other.total_tokens;
        group.durations.merge(durations);
      }
      malformed += state.malformed;
    },
    finish() {
      const rows = [...groups.values()].map((g) => ({
        ...g.row,
        median_duration_ms: g.durations.median(),
      }));
      rows.sort((a, b) =>
        by === "day"
          ? a.key.localeCompare(b.key) || byCodeUnits(a.key, b.key)
          : b.requests - a.requests || a.key.localeCompare(b.key) || byCodeUnits(a.key, b.key)
      );
      return { by, since_ms: since ?? null, rows, malformed_lines: malformed };
    },
  };
}

/** Orders keys that `localeCompare` calls equal, so the order never depends on reading order. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
  const iso = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value.trim());
  // Date.parse rolls impossible days over (2026-02-30 becomes March 2): refuse them instead.
  if (iso && Number.isFinite(ms) && isCalendarDay(iso[1]!, iso[2]!, iso[3]!)) return ms;
  throw new SinceParseError(value);
}

function isCalendarDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}
