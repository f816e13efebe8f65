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
  /** The clock deciding when the file on disk is looked at again (about once a second). */
  now?: () => number;
}

/** An append-only request log. */
export interface Ledger {
  /** Writes one record as one line; never throws (failures go to `onError`). */
  append(record: RequestRecord): void;
  /** Resolves once every record is on disk (appends are synchronous, so at once). */
  flush(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** Formats one record as its log line (with the newline). */
export function formatRecordLine(record: RequestRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Rotates `path` unless it now has room for `needed` more bytes, holding an exclusive lock on
 * `<path>.lock`: two proxies sharing the log rotate it once, never shifting the same file twice.
 * Returns the size of `path` afterwards.
 */
export function rotateLogOnce(
  path: string,
  options: { needed: number; maxBytes: number; keep: number },
): number {
  const lock = Deno.openSync(`${path}.lock`, { write: true, create: true, mode: 0o600 });
  try {
    lock.lockSync(true);
    const size = sizeOf(path);
    if (size === 0 || size + options.needed <= options.maxBytes) return size;
    rotateLog(path, options.keep);
    return 0;
  } finally {
    lock.close();
  }
}

/** Shifts `path` -> `path.1` -> ... -> `path.<keep>` (the oldest is dropped). */
export function rotateLog(path: string, keep: number): void {
  try {
    Deno.removeSync(`${path}.${keep}`);
  } catch { /* not there */ }
  for (let i = keep - 1; i >= 1; i--) renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
  renameIfExists(path, `${path}.1`);
}

/**
 * A ledger writing to `path` (folders created, file mode 0600). Records are queued and written
 * together once the current event-loop turn is over (so no request waits on the disk), each batch
 * as synchronous `write`s on a file opened for append: concurrent writers (a second proxy) never
 * split a line. Past `maxBytes` the file rotates between lines, under a lock (see
 * {@linkcode rotateLogOnce}); every second the size and inode on disk are re-read, so a writer
 * follows the other's lines and rotations.
 */
export function createLedger(path: string, options: LedgerOptions = {}): Ledger {
  const maxBytes = options.maxBytes ?? LEDGER_MAX_BYTES;
  const keep = options.keep ?? LEDGER_KEEP;
  const encoder = new TextEncoder();
  const clock = options.now ?? Date.now;
  let size: number | undefined;
  let file: Deno.FsFile | undefined;
  let checkedAt = 0;
  let queue: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const closeFile = () => {
    file?.close();
    file = undefined;
  };

  const followPath = (now: number): void => {
    // another process may have rotated (or removed) the file: follow the path
    checkedAt = now;
    if (file === undefined) return;
    let onDisk: Deno.FileInfo | undefined;
    try {
      onDisk = Deno.statSync(path);
    } catch { /* removed */ }
    if (onDisk === undefined || onDisk.ino !== file.statSync().ino) closeFile();
    // the other writer's lines count too; a removed file (or folder) is created again
    size = onDisk?.size;
  };

  const writeBytes = (bytes: Uint8Array): void => {
    file ??= Deno.openSync(path, { append: true, create: true, mode: 0o600 });
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    size! += bytes.length;
  };

  /** Writes `lines` in as few writes as the size limit allows, rotating between lines. */
  const write = (lines: string[]): void => {
    const now = clock();
    if (now - checkedAt >= 1000) followPath(now);
    if (size === undefined) {
      Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      size = sizeOf(path);
    }
    let batch = "";
    for (const line of lines) {
      // (lengths in UTF-16 units: the limit is approximate for non-ASCII lines)
      if (size + batch.length > 0 && size + batch.length + line.length > maxBytes) {
        if (batch !== "") writeBytes(encoder.encode(batch));
        batch = "";
        // the open file may be one another process has rotated away: reopen after the check
        closeFile();
        size = rotateLogOnce(path, { needed: line.length, maxBytes, keep });
      }
      batch += line;
    }
    if (batch !== "") writeBytes(encoder.encode(batch));
  };

  const drain = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const lines = queue;
    queue = [];
    try {
      write(lines);
    } catch (error) {
      size = undefined;
      closeFile();
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return {
    append(record) {
      queue.push(formatRecordLine(record));
      timer ??= setTimeout(drain, 0);
    },
    flush() {
      drain();
      return Promise.resolve();
    },
    close() {
      drain();
      closeFile();
      return Promise.resolve();
    },
  };
}
