/** `usage summary`'s engine: the whole request log, split across threads when it is big. */
import { planLogRanges, statLogFiles } from "./log_ranges.ts";
import { summarizeRanges } from "./summarize_ranges.ts";
import {
  createSummaryBuilder,
  type Summary,
  type SummaryGroupBy,
  type SummaryState,
} from "./summary.ts";
import type { SummaryWorkerReply, SummaryWorkerRequest } from "./summary_worker.ts";

/** Below this many bytes in all files, one thread reads the log (a worker costs its start-up). */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** Options of {@linkcode summarizeLog}. */
export interface SummarizeLogOptions {
  by?: SummaryGroupBy;
  /** Records before this time are skipped. */
  sinceMs?: number;
  /** Threads to use for a big log, this one included. Defaults to the CPU count, at most 4. */
  threads?: number;
  /** Split the work from this many bytes. Defaults to {@linkcode PARALLEL_MIN_BYTES}. */
  parallelMinBytes?: number;
}

/**
 * How many threads read a log of `totalBytes`: one below the threshold, else `threads` (default:
 * the CPU count, at most 4).
 *
 * @example
 * ```ts
 * chooseSummaryThreads(1_000_000, { threads: 2 }); // 1
 * chooseSummaryThreads(500_000_000, { threads: 2 }); // 2
 * ```
 */
export function chooseSummaryThreads(
  totalBytes: number,
  options: Pick<SummarizeLogOptions, "threads" | "parallelMinBytes"> = {},
): number {
  if (totalBytes < (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)) return 1;
  const cpus = navigator.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(options.threads ?? Math.min(cpus, 4)));
}

/**
 * Summarizes `requests.jsonl` and its rotations. A log of {@linkcode PARALLEL_MIN_BYTES} or more
 * is split at line boundaries into byte ranges read by workers and this thread at once; the
 * partial totals are merged, so the report is the one a single reader gives. A worker that
 * cannot start (e.g. no read access to the program's files) leaves its share to this thread.
 */
export async function summarizeLog(
  logPath: string,
  options: SummarizeLogOptions = {},
): Promise<Summary> {
  const by = options.by ?? "config";
  const since = options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {};
  const builder = createSummaryBuilder({ by, ...since });
  const files = await statLogFiles(logPath);
  const total = files.reduce((n, f) => n + f.size, 0);
  const threads = chooseSummaryThreads(total, options);
  const [own = [], ...others] = planLogRanges(files, threads);
  const workers = others.map((ranges) => ({
    ranges,
    reply: runSummaryWorker({ ranges, by, ...since }),
  }));
  try {
    await summarizeRanges(own, builder, since);
    for (const { ranges, reply } of workers) {
      const state = await reply;
      if (state !== undefined) builder.merge(state);
      else await summarizeRanges(ranges, builder, since);
    }
  } finally {
    for (const { reply } of workers) reply.cancel();
  }
  return builder.finish();
}

/** A running worker's totals; `cancel()` stops it. */
export interface WorkerRun extends Promise<SummaryState | undefined> {
  cancel(): void;
}

/** Starts a worker on a share; resolves to its totals, or `undefined` when it failed. */
export function runSummaryWorker(request: SummaryWorkerRequest): WorkerRun {
  let worker: Worker | undefined;
  const promise = new Promise<SummaryState | undefined>((resolve) => {
    try {
      // without read access to the program's files (scoped `deno run`), do not try
      if (
        Deno.permissions.querySync({ name: "read", path: new URL(import.meta.url) }).state !==
          "granted"
      ) {
        resolve(undefined);
        return;
      }
      worker = new Worker(new URL("./summary_worker.ts", import.meta.url), { type: "module" });
    } catch {
      resolve(undefined);
      return;
    }
    worker.onmessage = (event: MessageEvent<SummaryWorkerReply>) => {
      resolve("state" in event.data ? event.data.state : undefined);
      worker?.terminate();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      resolve(undefined);
      worker?.terminate();
    };
    worker.postMessage(request);
  });
  return Object.assign(promise, { cancel: () => worker?.terminate() });
}
