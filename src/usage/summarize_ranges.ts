/** The summary loop over parts of the request log: read, filter by time, parse, count. */
import { type LogRange, streamRangeLines } from "./log_ranges.ts";
import { parseRequestRecord, readLeadingTimestamp } from "./record_parse.ts";
import type { SummaryBuilder } from "./summary.ts";

/** Options of {@linkcode summarizeRanges}. */
export interface SummarizeRangesOptions {
  /** Lines before this time are skipped unparsed (and not counted as malformed). */
  sinceMs?: number;
}

/** Feeds every line the ranges own to `builder`: records added, malformed lines counted. */
export async function summarizeRanges(
  ranges: LogRange[],
  builder: SummaryBuilder,
  options: SummarizeRangesOptions = {},
): Promise<void> {
  const since = options.sinceMs;
  for (const range of ranges) {
    for await (const batch of streamRangeLines(range)) {
      for (const line of batch) {
        if (since !== undefined && (readLeadingTimestamp(line) ?? Infinity) < since) continue;
        const record = parseRequestRecord(line);
        if (record === undefined) builder.addMalformed();
        else builder.add(record);
      }
    }
  }
}
