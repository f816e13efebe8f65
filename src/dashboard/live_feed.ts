/**
 * The live feed: finished requests pushed to open pages as server-sent events. With no page open,
 * `publish` returns at once: the proxy does no work for the dashboard.
 */
import type { RequestRecord } from "../usage/log_record.ts";
import { toFeedRecord } from "./feed_record.ts";

/** Options of {@linkcode createLiveFeed}. */
export interface LiveFeedOptions {
  /** A comment line this often keeps idle connections open through tunnels (default 15 s). */
  keepAliveMs?: number;
  /** A page that has this many bytes unread is dropped (it reconnects and reloads). */
  maxBufferedBytes?: number;
}

/** The feed's subscribers. */
export interface LiveFeed {
  /** Sends `record` to every open feed; nothing happens when none is open. */
  publish(record: RequestRecord): void;
  /** A new `text/event-stream` response for one page. */
  open(signal?: AbortSignal): Response;
  /** How many pages listen now. */
  readonly size: number;
  /** Ends every feed (shutdown). */
  close(): void;
}

const enc = new TextEncoder();

/** Creates an empty feed. */
export function createLiveFeed(options: LiveFeedOptions = {}): LiveFeed {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const subscribers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const drop = (c: ReadableStreamDefaultController<Uint8Array>) => {
    if (!subscribers.delete(c)) return;
    try {
      c.close();
    } catch { /* already closed or cancelled */ }
    if (subscribers.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const send = (chunk: Uint8Array) => {
    for (const c of subscribers) {
      if ((c.desiredSize ?? 0) < -maxBuffered) drop(c); // a page that stopped reading
      else c.enqueue(chunk);
    }
  };

  return {
    publish(record) {
      if (subscribers.size === 0) return;
      send(enc.encode(`event: request\ndata: ${JSON.stringify(toFeedRecord(record))}\n\n`));
    },
    open(signal) {
      let self: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          self = c;
          subscribers.add(c);
          c.enqueue(enc.encode("retry: 2000\n: open\n\n"));
          timer ??= setInterval(() => send(enc.encode(": keep-alive\n\n")), keepAliveMs);
          signal?.addEventListener("abort", () => drop(c), { once: true });
        },
        cancel() {
          if (self) drop(self);
        },
      }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
      return new Response(body, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-accel-buffering": "no",
        },
      });
    },
    get size() {
      return subscribers.size;
    },
    close() {
      for (const c of [...subscribers]) drop(c);
    },
  };
}
