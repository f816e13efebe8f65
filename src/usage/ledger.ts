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
  /** Flushes and closes the file. */
  close(): Promise<void>;
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
 * A ledger writing to `path` (folders created, file mode 0600). Queued lines are written in
 * batches of whole lines, each batch one append, so concurrent writers never split a line.
 */
export function createLedger(path: string, options: LedgerOptions = {}): Ledger {
  const maxBytes = options.maxBytes ?? LEDGER_MAX_BYTES;
  const keep = options.keep ?? LEDGER_KEEP;
  const encoder = new TextEncoder();
  const queue: string[] = [];
  let running: Promise<void> | undefined;
  let size: number | undefined;

  let file: Deno.FsFile | undefined;
  let checkedAt = 0;
  const closeFile = () => {
    file?.close();
    file = undefined;
  };
  const appendBytes = async (bytes: Uint8Array): Promise<void> => {
    const now = Date.now();
    if (file !== undefined && now - checkedAt >= 1000) {
      // another process may have rotated (or removed) the file: follow the path
      checkedAt = now;
      const [open, onDisk] = await Promise.all([
        file.stat(),
        Deno.stat(path).catch(() => undefined),
      ]);
      if (onDisk === undefined || onDisk.ino !== open.ino) {
        closeFile();
        size = onDisk?.size ?? 0;
      }
    }
    file ??= await Deno.open(path, { append: true, create: true, mode: 0o600 });
    // whole lines in one append: concurrent writers never interleave within a line
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  };

  const writeBatch = async (lines: string[]): Promise<void> => {
    if (size === undefined) {
      await Deno.mkdir(dirname(path), { recursive: true });
      size = await sizeOf(path);
    }
    let group: Uint8Array[] = [];
    let groupSize = 0;
    const flushGroup = async () => {
      if (groupSize === 0) return;
      const joined = new Uint8Array(groupSize);
      let at = 0;
      for (const g of group) {
        joined.set(g, at);
        at += g.length;
      }
      await appendBytes(joined);
      size! += groupSize;
      [group, groupSize] = [[], 0];
    };
    for (const line of lines) {
      const bytes = encoder.encode(line);
      if (size + groupSize > 0 && size + groupSize + bytes.length > maxBytes) {
        await flushGroup();
        // another process may have rotated already: trust the file, not the counter
        size = await sizeOf(path);
        if (size > 0 && size + bytes.length > maxBytes) {
          closeFile();
          await rotateLog(path, keep);
          size = 0;
        }
      }
      group.push(bytes);
      groupSize += bytes.length;
    }
    await flushGroup();
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const lines = queue.splice(0, 256);
      try {
        await writeBatch(lines);
      } catch (error) {
        size = undefined;
        closeFile();
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
    async close() {
      while (running) await running;
      closeFile();
    },
  };
}
