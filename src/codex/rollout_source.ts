/**
 * The bytes at the start of a rollout, plain (`.jsonl`) or zstd-compressed (`.jsonl.zst`, written by
 * Codex for idle threads), read in chunks and never further than asked: a compressed file is
 * stream-decompressed and the stream is dropped as soon as enough text has come out.
 */
import { leaseZstd } from "./zstd_pool.ts";

/** True for a zstd-compressed rollout (`rollout-*.jsonl.zst`). */
export function isCompressedRollout(path: string): boolean {
  return path.endsWith(".zst");
}

const CHUNK = 64 * 1024;

async function* plainChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  // Synchronous reads, as for compressed files: page-cache reads, no thread-pool hop each.
  using file = Deno.openSync(path);
  const buffer = new Uint8Array(CHUNK);
  let read = 0;
  while (read < limit) {
    const n = file.readSync(buffer);
    if (n === null || n === 0) return;
    read += n;
    yield buffer.subarray(0, n);
  }
}

async function* zstdChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  // Synchronous reads: a compressed head is a small page-cache read, a thread-pool hop costs more.
  using file = Deno.openSync(path);
  using zstd = leaseZstd();
  const buffer = zstd.input;
  let out = 0;
  while (out < limit) {
    const n = file.readSync(buffer);
    // At the end of the input: a frame cut short just ends the text.
    if (n === null || n === 0) return;
    for await (const chunk of zstd.decode(buffer.subarray(0, n))) {
      out += chunk.length;
      yield chunk;
      if (out >= limit) return;
    }
  }
}

/**
 * Yields the rollout's text bytes in order, stopping once `limit` bytes have been yielded (the last
 * chunk may go past it). A chunk may be overwritten once the next is asked for: decode it first.
 * A `.zst` file that is not valid zstd throws.
 */
export function readRolloutChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  return isCompressedRollout(path) ? zstdChunks(path, limit) : plainChunks(path, limit);
}

/** Reads a rollout's text synchronously (`readSync` as on a file: bytes read, null at the end). */
export interface SyncTextReader extends Disposable {
  readSync(buffer: Uint8Array): number | null;
}

/**
 * Opens a compressed rollout for synchronous reads of its text, decompressing only as far as read;
 * undefined where this runtime cannot decompress synchronously (then use
 * {@linkcode readRolloutChunks}). Throws when the file cannot be opened; `readSync` throws on data
 * that is not zstd.
 */
export function openCompressedRolloutSync(path: string): SyncTextReader | undefined {
  const zstd = leaseZstd();
  const decodeSync = zstd.decodeSync;
  if (decodeSync === undefined) {
    zstd[Symbol.dispose]();
    return undefined;
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path);
  } catch (error) {
    zstd[Symbol.dispose]();
    throw error;
  }
  const input = zstd.input;
  let start = 0;
  let end = 0;
  let atEnd = false;
  return {
    readSync(buffer) {
      // Fills `buffer` unless the text ends first: a short read means the end, as for a file.
      let filled = 0;
      while (filled < buffer.length) {
        if (start === end && !atEnd) {
          const n = file.readSync(input);
          if (n === null || n === 0) atEnd = true;
          else [start, end] = [0, n];
        }
        // At the end of the input the decompressor may still hold text: asked with no input.
        const { read, written } = decodeSync(input.subarray(start, end), buffer.subarray(filled));
        start += read;
        filled += written;
        // Nothing more out: the end (a frame cut short just ends the text), or no progress at all.
        if (written === 0 && (atEnd || read === 0)) break;
      }
      return filled === 0 ? null : filled;
    },
    [Symbol.dispose]() {
      file.close();
      zstd[Symbol.dispose]();
    },
  };
}
