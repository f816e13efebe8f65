/** The request log: one JSON line per request, one append each, rotated past a size limit. */
import { dirname } from "node:path";
import type { RequestRecord } from "./log_record.ts";

/** Rotate `requests.jsonl` once it grows past this size. */
export const LEDGER_MAX_BYTES = 50 * 1024 * 1024;
/** Rotated files kept: `requests.jsonl.1` (newest) ... `.5`. */
export const LEDGER_KEEP = 5;

/** Options of {@linkcode createLedger}. */
export interface LedgerOptions {
  maxBytes?: number;
  keep?: number;
  /** Called once per failed write (the request itself is never failed by the log). */
  onError?: (error: Error) => void;
}

/** An append-only request log. */
export interface Ledger {
  /** Queues one record; writes are serialised and never throw. */
  append(record: RequestRecord): void;
  /** Resolves once every queued record is written. */
  flush(): Promise<void>;
}

/** Formats one record as its log line (with the newline). */
export function formatRecordLine(record: RequestRecord): string {
  return `${JSON.stringify(record)}\n`;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await Deno.rename(from, to);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Shifts `path` -> `path.1` -> ... -> `path.<keep>` (the oldest is dropped). */
export async function rotateLog(path: string, keep: number): Promise<void> {
  await Deno.remove(`${path}.${keep}`).catch(() => {});
  for (let i = keep - 1; i >= 1; i--) await renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
  await renameIfExists(path, `${path}.1`);
}

/**
 * A ledger writing to `path` (folders created, file mode 0600). Each line is one `write` on a
 * file opened for append, so concurrent writers (a second proxy) never interleave within a line.
 */
export function createLedger(path: string, options: LedgerOptions = {}): Ledger {
  const maxBytes = options.maxBytes ?? LEDGER_MAX_BYTES;
  const keep = options.keep ?? LEDGER_KEEP;
  const encoder = new TextEncoder();
  let queue: string[] = [];
  let running: Promise<void> | undefined;
  let size: number | undefined;

  const writeBatch = async (lines: string[]): Promise<void> => {
    await Deno.mkdir(dirname(path), { recursive: true });
    if (size === undefined) size = await sizeOf(path);
    for (const line of lines) {
      const bytes = encoder.encode(line);
      if (size > 0 && size + bytes.length > maxBytes) {
        // another process may have rotated already: trust the file, not the counter
        size = await sizeOf(path);
        if (size > 0 && size + bytes.length > maxBytes) {
          await rotateLog(path, keep);
          size = 0;
        }
      }
      const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
      try {
        await file.write(bytes);
      } finally {
        file.close();
      }
      size += bytes.length;
    }
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const lines = queue;
      queue = [];
      try {
        await writeBatch(lines);
      } catch (error) {
        size = undefined;
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
    }
    running = undefined;
  };

  return {
    append(record) {
      queue.push(formatRecordLine(record));
      running ??= drain();
    },
    async flush() {
      while (running) await running;
    },
  };
}
