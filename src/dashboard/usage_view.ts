/**
 * The dashboard's usage panel: tokens per hour and per day for the last 7 days by config, upstream
 * and model, the totals `usage summary --since 7d` prints, and the last hour's burn rate. One pass
 * over requests.jsonl with the summary's own builders, so the numbers are the same.
 */
import { redactUrl } from "../config/redact_url.ts";
import { DurationHistogram } from "../usage/duration_histogram.ts";
import type { RequestRecord } from "../usage/log_record.ts";
import { planLogRanges, statLogFiles } from "../usage/log_ranges.ts";
import { summarizeRanges } from "../usage/summarize_ranges.ts";
import {
  createSummaryBuilder,
  localDay,
  type SummaryBuilder,
  type SummaryGroupBy,
  type SummaryRow,
} from "../usage/summary.ts";

/** The window the panel covers. */
export const USAGE_WINDOW_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;

/** The groupings the panel offers. */
export type UsageDimension = Exclude<SummaryGroupBy, "day">;
const DIMENSIONS: readonly UsageDimension[] = ["config", "upstream", "model"];

/** One grouping: totals (as `usage summary`) and total tokens per hour and per day per key. */
export interface UsageBreakdown {
  totals: SummaryRow[];
  /** key -> total tokens per hour, aligned with {@linkcode UsageView.hours}. */
  hourly: Record<string, number[]>;
  /** key -> total tokens per day, aligned with {@linkcode UsageView.days}. */
  daily: Record<string, number[]>;
}

/** The usage panel's JSON. */
export interface UsageView {
  generated_at_ms: number;
  since_ms: number;
  /** Local hour starts, oldest first. */
  hours: number[];
  /** Local dates `YYYY-MM-DD`, oldest first. */
  days: string[];
  by: Record<UsageDimension, UsageBreakdown>;
  /** The last 60 minutes. */
  last_hour: { requests: number; total_tokens: number; tokens_per_minute: number };
  /** Median time to first event per upstream, for this proxy's service since `ttfb_since_ms`. */
  ttfb_by_upstream: Record<string, number | null>;
  ttfb_since_ms: number;
  malformed_lines: number;
}

/** Options of {@linkcode readUsageView}. */
export interface UsageViewOptions {
  now: number;
  /** Whose time to first event the Now panel shows, and since when. */
  service: string;
  ttfbSinceMs: number;
}

/** The local start of the hour holding `ms`. */
export function hourStart(ms: number): number {
  const d = new Date(ms);
  d.setMinutes(0, 0, 0);
  return d.getTime();
}

/** The hour starts from the one holding `since` to the one holding `now`. */
function hoursBetween(since: number, now: number): number[] {
  const out: number[] = [];
  for (let h = hourStart(since); h <= now; h = hourStart(h + HOUR_MS + 60_000)) out.push(h);
  return out;
}

/** Collects everything the panel shows while records stream past. */
export function createUsageCollector(options: UsageViewOptions) {
  const since = options.now - USAGE_WINDOW_MS;
  const hours = hoursBetween(since, options.now);
  const hourIndex = new Map(hours.map((h, i) => [h, i]));
  const totals = Object.fromEntries(
    DIMENSIONS.map((by) => [by, createSummaryBuilder({ by, sinceMs: since })]),
  ) as Record<UsageDimension, SummaryBuilder>;
  // per hour, one builder per grouping: the keys and token counts are the summary's own
  const perHour = new Map<number, Record<UsageDimension, SummaryBuilder>>();
  const lastHour = createSummaryBuilder({ by: "config", sinceMs: options.now - HOUR_MS });
  const ttfb = new Map<string, DurationHistogram>();

  const builder: Pick<SummaryBuilder, "add" | "addMalformed"> = {
    add(record) {
      if (record.timestamp_ms < since) return;
      for (const by of DIMENSIONS) totals[by].add(record);
      const h = hourStart(record.timestamp_ms);
      let hour = perHour.get(h);
      if (hour === undefined) {
        hour = Object.fromEntries(
          DIMENSIONS.map((by) => [by, createSummaryBuilder({ by })]),
        ) as Record<
          UsageDimension,
          SummaryBuilder
        >;
        perHour.set(h, hour);
      }
      for (const by of DIMENSIONS) hour[by].add(record);
      lastHour.add(record);
      const full = record as RequestRecord;
      if (
        full.service === options.service && record.timestamp_ms >= options.ttfbSinceMs &&
        typeof full.ttfb_ms === "number" && record.upstream_base_url
      ) {
        const key = redactUrl(record.upstream_base_url);
        let histogram = ttfb.get(key);
        if (histogram === undefined) ttfb.set(key, histogram = new DurationHistogram());
        histogram.add(full.ttfb_ms);
      }
    },
    addMalformed(count = 1) {
      totals.config.addMalformed(count);
    },
  };

  function finish(): UsageView {
    const days = [...new Set(hours.map(localDay))];
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const by = {} as Record<UsageDimension, UsageBreakdown>;
    let malformed = 0;
    for (const dim of DIMENSIONS) {
      const summary = totals[dim].finish();
      if (dim === "config") malformed = summary.malformed_lines;
      const hourly: Record<string, number[]> = {};
      const daily: Record<string, number[]> = {};
      for (const row of summary.rows) {
        hourly[row.key] = new Array(hours.length).fill(0);
        daily[row.key] = new Array(days.length).fill(0);
      }
      for (const [h, builders] of perHour) {
        const i = hourIndex.get(h);
        const d = dayIndex.get(localDay(h));
        for (const row of builders[dim].finish().rows) {
          if (i !== undefined) hourly[row.key]![i]! += row.total_tokens;
          if (d !== undefined) daily[row.key]![d]! += row.total_tokens;
        }
      }
      by[dim] = { totals: summary.rows.map((r) => maskRow(r, dim)), hourly, daily };
      if (dim === "upstream") {
        by[dim].hourly = remask(hourly);
        by[dim].daily = remask(daily);
      }
    }
    const hour = lastHour.finish().rows;
    const hourTokens = hour.reduce((n, r) => n + r.total_tokens, 0);
    return {
      generated_at_ms: options.now,
      since_ms: since,
      hours,
      days,
      by,
      last_hour: {
        requests: hour.reduce((n, r) => n + r.requests, 0),
        total_tokens: hourTokens,
        tokens_per_minute: Math.round(hourTokens / 60),
      },
      ttfb_by_upstream: Object.fromEntries([...ttfb].map(([k, h]) => [k, h.median()])),
      ttfb_since_ms: options.ttfbSinceMs,
      malformed_lines: malformed,
    };
  }

  return { builder, finish };
}

/** Upstream keys are URLs: masked as everywhere (the log holds them masked already). */
function maskRow(row: SummaryRow, dim: UsageDimension): SummaryRow {
  return dim === "upstream" && row.key !== "(none)" ? { ...row, key: redactUrl(row.key) } : row;
}

function remask(series: Record<string, number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [key, values] of Object.entries(series)) {
    out[key === "(none)" ? key : redactUrl(key)] = values;
  }
  return out;
}

/** Reads requests.jsonl and its rotations into the usage panel. */
export async function readUsageView(
  logPath: string,
  options: UsageViewOptions,
): Promise<UsageView> {
  const collector = createUsageCollector(options);
  const since = options.now - USAGE_WINDOW_MS;
  const [ranges = []] = planLogRanges(await statLogFiles(logPath), 1);
  await summarizeRanges(ranges, collector.builder as SummaryBuilder, { sinceMs: since });
  return collector.finish();
}
