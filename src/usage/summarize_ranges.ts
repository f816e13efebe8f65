/** The summary loop over parts of the request log: read, filter by time, parse, count. */
import { type LogRange, streamRangeBlocks } from "./log_ranges.ts";
import { readLeadingTimestampBytes, SummaryLineScanner } from "./record_scan.ts";
import { parseRequestRecord, readLeadingTimestamp } from "./record_parse.ts";
import type { SummaryBuilder } from "./summary.ts";

/** Options of {@linkcode summarizeRanges}. */
export interface SummarizeRangesOptions {
  /** Lines before this time are skipped unparsed (and not counted as malformed). */
  sinceMs?: number;
}

/**
 * Feeds every line the ranges own to `builder`: records added, malformed lines counted. Lines
 * are read as bytes; the usual ones by {@linkcode SummaryLineScanner}, any other one decoded
 * and parsed by `parseRequestRecord`, with the same result.
 */
export async function summarizeRanges(
  ranges: LogRange[],
  builder: SummaryBuilder,
  options: SummarizeRangesOptions = {},
): Promise<void> {
  const since = options.sinceMs;
  const scanner = new SummaryLineScanner();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const addText = (line: string) => {
    if (since !== undefined && (readLeadingTimestamp(line) ?? Infinity) < since) return;
    const record = parseRequestRecord(line);
    if (record === undefined) builder.addMalformed();
    else builder.add(record);
  };
  for (const range of ranges) {
    for await (const block of streamRangeBlocks(range)) {
      const b = block.bytes;
      // a file's BOM is dropped (as a stream decoder drops it); one inside the file is kept
      const bom = block.atFileStart && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
      if (block.final) {
        const rest = decoder.decode(b.subarray(bom ? 3 : 0));
        if (rest.trim() !== "") addText(rest);
        continue;
      }
      let start = bom ? 3 : 0;
      while (start < b.length) {
        let nl = b.indexOf(10, start);
        if (nl === -1) nl = b.length;
        const end = nl > start && b[nl - 1] === 13 ? nl - 1 : nl;
        if (end > start) {
          const skip = since !== undefined &&
            (readLeadingTimestampBytes(b, start, end) ?? Infinity) < since;
          if (skip) { /* older than --since */ }
          else if (scanner.scan(b, start, end)) builder.add(scanner.record);
          else addText(decoder.decode(b.subarray(start, end)));
        }
        start = nl + 1;
      }
    }
  }
}
