/** Reading `requests.jsonl` and its rotations without loading a whole file into memory. */
import { folderInPlaceError, toFileAccessError } from "../fs/file_access_error.ts";
import { LEDGER_KEEP } from "./ledger.ts";

/** The log files, oldest first: `requests.jsonl.5` ... `.1`, then `requests.jsonl`. */
export function logFilesOldestFirst(logPath: string): string[] {
  const files: string[] = [];
  for (let i = LEDGER_KEEP; i >= 1; i--) files.push(`${logPath}.${i}`);
  files.push(logPath);
  return files;
}

async function openIfExists(path: string): Promise<Deno.FsFile | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw toFileAccessError(error, path);
  }
  if ((await file.stat()).isDirectory) {
    file.close();
    throw folderInPlaceError(path);
  }
  return file;
}

/** Options of {@linkcode readLastLines}. */
export interface ReadLastLinesOptions {
  /** Bytes read per step from the end. Defaults to 64 KiB. */
  chunkSize?: number;
  /** Also read the rotations when the current file has fewer lines. Defaults to true. */
  rotations?: boolean;
}

/**
 * The last `limit` non-empty lines of the log (oldest first), exactly as stored (without the
 * newline). Reads backwards from the end of each file, newest file first.
 */
export async function readLastLines(
  logPath: string,
  limit: number,
  options: ReadLastLinesOptions = {},
): Promise<string[]> {
  const files = options.rotations === false ? [logPath] : logFilesOldestFirst(logPath).reverse();
  const out: string[] = [];
  for (const path of files) {
    if (out.length >= limit) break;
    const lines = await readLastLinesOfFile(path, limit - out.length, options.chunkSize ?? 65536);
    out.unshift(...lines);
  }
  return out;
}

async function readLastLinesOfFile(path: string, limit: number, chunkSize: number) {
  const file = await openIfExists(path);
  if (file === undefined || limit <= 0) {
    file?.close();
    return [];
  }
  const decoder = new TextDecoder();
  const lines: string[] = [];
  try {
    let position = (await file.stat()).size;
    let tail: Uint8Array = new Uint8Array(0); // bytes after the earliest newline seen so far
    while (position > 0 && lines.length < limit) {
      const size = Math.min(chunkSize, position);
      position -= size;
      const chunk = new Uint8Array(size);
      await file.seek(position, Deno.SeekMode.Start);
      let read = 0;
      while (read < size) {
        const n = await file.read(chunk.subarray(read));
        if (n === null) break;
        read += n;
      }
      let buffer = concat(chunk.subarray(0, read), tail);
      let end = buffer.length;
      for (let i = buffer.length - 1 - (tail.length); i >= 0 && lines.length < limit; i--) {
        if (buffer[i] !== 10) continue;
        pushLine(lines, decoder.decode(buffer.subarray(i + 1, end)));
        end = i;
      }
      buffer = buffer.subarray(0, end);
      tail = buffer;
    }
    if (position === 0 && lines.length < limit && tail.length > 0) {
      pushLine(lines, decoder.decode(tail));
    }
  } finally {
    file.close();
  }
  return lines.reverse();
}

function pushLine(lines: string[], line: string): void {
  const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (trimmed.trim() !== "") lines.push(trimmed);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Yields every non-empty line of the log and its rotations, oldest file first, in batches (one
 * per 1 MiB read), holding one chunk and one partial line in memory at a time.
 */
export async function* streamLogLines(logPath: string): AsyncGenerator<string[]> {
  for (const path of logFilesOldestFirst(logPath)) {
    const file = await openIfExists(path);
    if (file === undefined) continue;
    yield* streamFileLines(file);
  }
}

async function* streamFileLines(file: Deno.FsFile): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(1 << 20);
  let carry = "";
  try {
    while (true) {
      const n = await file.read(buffer);
      if (n === null) break;
      const text = carry + decoder.decode(buffer.subarray(0, n), { stream: true });
      const lines: string[] = [];
      let start = 0;
      let nl = text.indexOf("\n", start);
      while (nl !== -1) {
        const line = text.charCodeAt(nl - 1) === 13
          ? text.slice(start, nl - 1)
          : text.slice(start, nl);
        if (line.length > 0) lines.push(line);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      carry = text.slice(start);
      if (lines.length > 0) yield lines;
    }
    carry += decoder.decode();
    if (carry.trim() !== "") yield [carry];
  } finally {
    file.close();
  }
}
