/** Byte ranges of the request log, so several threads can each read a share of it. */
import { folderInPlaceError } from "../fs/file_access_error.ts";
import { logFilesOldestFirst } from "./log_reader.ts";

/**
 * A byte range of one log file. It owns the lines that begin in `[start, end)`: a line that
 * begins before `end` is read to its newline even past `end`.
 */
export interface LogRange {
  path: string;
  start: number;
  /** `Infinity` reads to the end of the file, however long it has grown. */
  end: number;
}

/** A log file and its size when it was looked at. */
export interface LogFileSize {
  path: string;
  size: number;
}

/** The log files that exist (oldest first) and their sizes. */
export async function statLogFiles(logPath: string): Promise<LogFileSize[]> {
  const out: LogFileSize[] = [];
  for (const path of logFilesOldestFirst(logPath)) {
    try {
      const info = await Deno.stat(path);
      if (info.isDirectory) throw folderInPlaceError(path);
      out.push({ path, size: info.size });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return out;
}

/**
 * Splits the files into `parts` shares of about equal bytes, in file order. The last range of
 * each file reads to its end (`Infinity`), so lines appended meanwhile are read as by one reader.
 *
 * @example
 * ```ts
 * planLogRanges([{ path: "a", size: 10 }], 2);
 * // [[{ path: "a", start: 0, end: 5 }], [{ path: "a", start: 5, end: Infinity }]]
 * ```
 */
export function planLogRanges(files: LogFileSize[], parts: number): LogRange[][] {
  const count = Math.max(1, Math.floor(parts));
  const total = files.reduce((n, f) => n + f.size, 0);
  const bound = (p: number) => p >= count ? Infinity : Math.floor((total * p) / count);
  const shares: LogRange[][] = Array.from({ length: count }, () => []);
  let offset = 0; // of the file's first byte in the files laid end to end
  for (const file of files) {
    const fileEnd = offset + file.size;
    for (let p = 0; p < count; p++) {
      const from = Math.max(bound(p), offset);
      const to = Math.min(bound(p + 1), fileEnd);
      const empty = file.size === 0 && offset >= bound(p) && offset < bound(p + 1);
      if (from >= to && !empty) continue;
      shares[p]!.push({
        path: file.path,
        start: from - offset,
        end: to >= fileEnd ? Infinity : to - offset,
      });
    }
    offset = fileEnd;
  }
  return shares;
}

async function openIfExists(path: string): Promise<Deno.FsFile | undefined> {
  try {
    return await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Options of {@linkcode streamRangeLines}. */
export interface StreamRangeLinesOptions {
  /**
   * Initial read buffer; it grows for a longer line. Defaults to 128 KiB: smaller reads keep
   * the text and its parsed lines in cache and the heap small (1 MiB reads were slower).
   */
  chunkSize?: number;
}

/**
 * Yields the non-empty lines a range owns, in batches (one per read), as `streamLogLines` does
 * for a whole file: without the newline or a `\r` before it; a final line without newline as is
 * unless blank. Works on bytes, so a range may begin inside a multibyte character's line.
 */
export async function* streamRangeLines(
  range: LogRange,
  options: StreamRangeLinesOptions = {},
): AsyncGenerator<string[]> {
  const file = await openIfExists(range.path);
  if (file === undefined) return;
  // a file's BOM is dropped, as a stream decoder drops it; one inside the file is kept
  const decoder = new TextDecoder("utf-8", { ignoreBOM: range.start > 0 });
  let buffer = new Uint8Array(options.chunkSize ?? 1 << 17);
  let filled = 0; // bytes in buffer
  let bufferAt = Math.max(0, range.start - 1); // file offset of buffer[0]
  let skipping = range.start > 0; // drop the line that began before start
  try {
    await file.seek(bufferAt, Deno.SeekMode.Start);
    while (true) {
      if (filled === buffer.length) {
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = await file.read(buffer.subarray(filled));
      if (n === null) break;
      filled += n;
      let from = 0;
      if (skipping) {
        const nl = buffer.indexOf(10);
        if (nl === -1 || nl >= filled) {
          bufferAt += filled;
          filled = 0;
          continue;
        }
        skipping = false;
        from = nl + 1;
      }
      if (bufferAt + from >= range.end) return; // the next line begins in the next range
      // complete lines: up to the last newline, or the newline ending the line at end - 1
      let cut = buffer.lastIndexOf(10, filled - 1);
      let done = false;
      if (bufferAt + filled >= range.end) {
        const owned = buffer.indexOf(10, range.end - 1 - bufferAt);
        if (owned !== -1 && owned < filled) {
          cut = owned;
          done = true;
        }
      }
      if (cut < from) {
        buffer.copyWithin(0, from, filled);
        bufferAt += from;
        filled -= from;
        continue;
      }
      const lines = splitLines(decoder.decode(buffer.subarray(from, cut + 1), { stream: true }));
      if (lines.length > 0) yield lines;
      if (done) return;
      buffer.copyWithin(0, cut + 1, filled);
      bufferAt += cut + 1;
      filled -= cut + 1;
    }
    if (skipping || bufferAt >= range.end) return;
    const rest = decoder.decode(buffer.subarray(0, filled));
    if (rest.trim() !== "") yield [rest];
  } finally {
    file.close();
  }
}

/** Lines of text that ends with a newline; empty ones dropped, a `\r` before `\n` removed. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let nl = text.indexOf("\n", start);
  while (nl !== -1) {
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end > start) lines.push(text.slice(start, end));
    start = nl + 1;
    nl = text.indexOf("\n", start);
  }
  return lines;
}
