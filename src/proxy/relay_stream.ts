/**
 * The body sent to the client after the commit point: each upstream chunk is passed on as it
 * comes (pull-driven, so backpressure reaches the upstream), watched for stalls and cuts, and fed
 * to the usage parser on the way.
 */
import type { UsageParser, UsageResult } from "../usage/record.ts";
import type { BodyReader } from "./body_reader.ts";
import { type Deadline, DEADLINES } from "./deadlines.ts";

/** How a relayed body ended. */
export type RelayEnd = "completed" | "stream_cut" | "stream_stalled" | "client_aborted";

/** Options of {@linkcode createRelayStream}. */
export interface RelayOptions {
  head: Uint8Array[];
  reader: BodyReader | null;
  /** Aborts the upstream request. */
  abort: AbortController;
  /** No upstream bytes for this long, while the client waits: a stall. */
  idleTimeoutMs: number;
  parser: UsageParser;
  /** Aborted on server shutdown: the stream is cut. */
  shutdown?: AbortSignal;
  /** Told exactly once, when the body ends for any reason. */
  onEnd(end: RelayEnd, usage: UsageResult, error?: string): void;
}

/** Builds the client's body stream. */
export function createRelayStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const { reader, abort, parser } = options;
  let ended = false;
  let stalled = false;
  let waitingSince = 0;
  let timer: Deadline | undefined;

  const finish = (end: RelayEnd, error?: string): void => {
    if (ended) return;
    ended = true;
    timer?.cancel();
    options.shutdown?.removeEventListener("abort", onShutdown);
    options.onEnd(end, parser.finish(), error);
  };
  const onShutdown = () => abort.abort(new Error("server shutting down"));
  options.shutdown?.addEventListener("abort", onShutdown, { once: true });
  if (options.shutdown?.aborted) onShutdown();

  // one shared ticker: a chunk costs a clock read, not a timer
  const watch = (): number | void => {
    if (ended) return;
    if (waitingSince === 0) return options.idleTimeoutMs;
    const left = waitingSince + options.idleTimeoutMs - Date.now();
    if (left > 0) return left;
    stalled = true;
    abort.abort(new Error(`no upstream bytes for ${options.idleTimeoutMs} ms`));
  };

  let pending = [...options.head];
  for (const chunk of pending) parser.feed(chunk);

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending.length > 0) {
        for (const chunk of pending) controller.enqueue(chunk);
        pending = [];
        return;
      }
      if (reader === null) {
        controller.close();
        finish("completed");
        return;
      }
      waitingSince = Date.now();
      timer ??= DEADLINES.after(options.idleTimeoutMs, watch);
      try {
        const value = await reader.read();
        waitingSince = 0;
        if (value === null) {
          controller.close();
          const usage = parser.finish();
          if (usage.recognised && !usage.terminal) {
            finish("stream_cut", "ended before its last event");
          } else finish("completed");
          return;
        }
        parser.feed(value);
        controller.enqueue(value);
      } catch (error) {
        waitingSince = 0;
        if (ended) return;
        const message = error instanceof Error ? error.message : String(error);
        finish(stalled ? "stream_stalled" : "stream_cut", message);
        controller.error(new Error(stalled ? "upstream stalled" : "upstream stream cut"));
      }
    },
    cancel() {
      waitingSince = 0;
      abort.abort(new Error("client disconnected"));
      finish("client_aborted");
    },
  }, { highWaterMark: 0 });
}
