/** Worker: reads the usage panel off the proxy's thread and posts it back. */
import { readUsageView, type UsageView, type UsageViewOptions } from "./usage_view.ts";

/** What the worker is asked to do. */
export interface UsageWorkerRequest {
  logPath: string;
  options: UsageViewOptions;
}

/** What the worker answers: the panel, or why it failed. */
export type UsageWorkerReply = { view: UsageView } | { error: string };

declare const self: {
  onmessage: ((event: MessageEvent<UsageWorkerRequest>) => void) | null;
  postMessage(message: UsageWorkerReply): void;
  close(): void;
};

self.onmessage = async (event) => {
  try {
    self.postMessage({ view: await readUsageView(event.data.logPath, event.data.options) });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  self.close();
};
