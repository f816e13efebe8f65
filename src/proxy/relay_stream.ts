/**
 * The body sent to the client after the commit point: each upstream chunk is passed on as it
 * comes (pull-driven, so backpressure reaches the upstream), watched for stalls and cuts, and fed
 * to the usage parser on the way. It ends in exactly one {@linkcode StreamEnd}.
 */
import type { UsageParser, UsageResult } from "../usage/record.ts";
import type { BodyReader } from "./body_reader.ts";
import { type Deadline, DEADLINES } from "./deadlines.ts";
import type { StreamEnd } from "./stream_end.ts";

/** Options of {@linkcode createRelayStream}. */
export interface RelayOptions {
  head: Uint8Array[];
  reader: BodyReader | null;
  /** Aborts the upstream request. */
  abort: AbortController;
  /** No upstream bytes for this long, while the client waits: a stall. */
  idleTimeoutMs: number;
  parser: UsageParser;
  /** Aborted at the end of the server's shutdown grace: the stream ends at once as `shutdown`. */
  shutdown?: AbortSignal;
  /** Told exactly once, when the body ends for any reason. */
  onEnd(end: StreamEnd, usage: UsageResult): void;
}

/** The end of a body whose upstream finished: completed, failed, or cut short of its last event. */
function endOfBody(usage: UsageResult): StreamEnd {
  if (usage.failure !== null) return { kind: "failed", failure: usage.failure };
  if (usage.recognised && !usage.terminal) {
    return { kind: "cut", error: "stream ended before its last event" };
  }
  return { kind: "completed" };
}

/** The end of a body the client left: after its terminal event it has the whole reply. */
function endOfClient(usage: UsageResult): StreamEnd {
  if (usage.failure !== null) return { kind: "failed", failure: usage.failure };
  return usage.terminal ? { kind: "client_gone_after_terminal" } : {
    kind: "client_gone_before_terminal",
  };
}

/** Builds the client's body stream. */
export function createRelayStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const { reader, abort, parser, shutdown } = options;
  let ended = false;
  let stalled = false;
  let waitingSince = 0;
  let timer: Deadline | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const finish = (decide: (usage: UsageResult) => StreamEnd): void => {
    if (ended) return;
    ended = true;
    timer?.cancel();
    shutdown?.removeEventListener("abort", onShutdown);
    const usage = parser.finish();
    options.onEnd(decide(usage), usage);
  };
  const onShutdown = () => {
    abort.abort(new Error("server shutting down"));
    // a client that stopped reading has no pull in flight: end here, not on the next read
    if (ended) return;
    finish(() => ({ kind: "shutdown" }));
    reader?.cancel().catch(() => {});
    controller.error(new Error("server shutting down"));
  };

  // one shared ticker: a chunk costs a clock read, not a timer
  const watch = (): number | void => {
    if (ended) return;
    if (waitingSince === 0) return options.idleTimeoutMs;
    const left = waitingSince + options.idleTimeoutMs - Date.now();
    if (left > 0) return left;
    stalled = true;
    abort.abort(new Error(`no upstream bytes for ${options.idleTimeoutMs} ms`));
  };

  let pending = options.head;
  for (const chunk of pending) parser.feed(chunk);

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      shutdown?.addEventListener("abort", onShutdown, { once: true });
      if (shutdown?.aborted) onShutdown();
    },
    async pull(controller) {
      if (pending.length > 0) {
        for (const chunk of pending) controller.enqueue(chunk);
        pending = [];
        return;
      }
      if (reader === null) {
        controller.close();
        finish(endOfBody);
        return;
      }
      waitingSince = Date.now();
      timer ??= DEADLINES.after(options.idleTimeoutMs, watch);
      try {
        const value = await reader.read();
        waitingSince = 0;
        if (ended) return;
        if (value === null) {
          controller.close();
          finish(endOfBody);
          return;
        }
        parser.feed(value);
        controller.enqueue(value);
      } catch (error) {
        waitingSince = 0;
        if (ended) return;
        const message = error instanceof Error ? error.message : String(error);
        finish(() =>
          stalled ? { kind: "stalled", error: message } : { kind: "cut", error: message }
        );
        controller.error(new Error(stalled ? "upstream stalled" : "upstream stream cut"));
      }
    },
    cancel() {
      waitingSince = 0;
      abort.abort(new Error("client disconnected"));
      finish(endOfClient);
    },
  }, { highWaterMark: 0 });
}
