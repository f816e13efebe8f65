/**
 * The usage panel of a big log is read in a worker, so the proxy's own thread keeps relaying
 * streams meanwhile; a small log (or a worker that cannot start) is read in place.
 */
import { statLogFiles } from "../usage/log_ranges.ts";
import { readUsageView, type UsageView, type UsageViewOptions } from "./usage_view.ts";
import type { UsageWorkerReply, UsageWorkerRequest } from "./usage_worker.ts";

/** From this many bytes of log, a worker reads it (below, starting one costs more than it saves). */
export const USAGE_WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** Options of {@linkcode readUsageViewOffThread}. */
export interface OffThreadOptions extends UsageViewOptions {
  /** Defaults to {@linkcode USAGE_WORKER_MIN_BYTES}. */
  workerMinBytes?: number;
}

/** The same view as {@linkcode readUsageView}, read in a worker when the log is big. */
export async function readUsageViewOffThread(
  logPath: string,
  options: OffThreadOptions,
): Promise<UsageView> {
  const { workerMinBytes = USAGE_WORKER_MIN_BYTES, ...viewOptions } = options;
  const total = (await statLogFiles(logPath)).reduce((n, f) => n + f.size, 0);
  if (total >= workerMinBytes) {
    const reply = await runUsageWorker({ logPath, options: viewOptions });
    if (reply !== undefined && "view" in reply) return reply.view;
    if (reply !== undefined) throw new Error(reply.error);
  }
  return await readUsageView(logPath, viewOptions);
}

/** Runs the worker once; undefined when it could not start or crashed. */
export function runUsageWorker(request: UsageWorkerRequest): Promise<UsageWorkerReply | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      // without read access to the program's files (scoped `deno run`), do not try
      const url = new URL("./usage_worker.ts", import.meta.url);
      if (Deno.permissions.querySync({ name: "read", path: url }).state !== "granted") {
        resolve(undefined);
        return;
      }
      worker = new Worker(url, { type: "module" });
    } catch {
      resolve(undefined);
      return;
    }
    worker.onmessage = (event: MessageEvent<UsageWorkerReply>) => {
      resolve(event.data);
      worker.terminate();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      resolve(undefined);
      worker.terminate();
    };
    worker.postMessage(request);
  });
}
