/** Worker: summarizes its share of the request log and posts back the partial totals. */
import type { LogRange } from "./log_ranges.ts";
import { summarizeRanges } from "./summarize_ranges.ts";
import { createSummaryBuilder, type SummaryGroupBy, type SummaryState } from "./summary.ts";

/** What the worker is asked to do. */
export interface SummaryWorkerRequest {
  ranges: LogRange[];
  by: SummaryGroupBy;
  sinceMs?: number;
}

/** What the worker answers: its totals, or why it failed. */
export type SummaryWorkerReply = { state: SummaryState } | { error: string };

declare const self: {
  onmessage: ((event: MessageEvent<SummaryWorkerRequest>) => void) | null;
  postMessage(message: SummaryWorkerReply): void;
  close(): void;
};

self.onmessage = async (event) => {
  const { ranges, by, sinceMs } = event.data;
  const options = sinceMs !== undefined ? { sinceMs } : {};
  try {
    const builder = createSummaryBuilder({ by, ...options });
    await summarizeRanges(ranges, builder, options);
    self.postMessage({ state: builder.state() });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  self.close();
};
