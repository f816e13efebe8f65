/**
 * The bytes at the start of a rollout, plain (`.jsonl`) or zstd-compressed (`.jsonl.zst`, written by
 * Codex for idle threads), read in chunks and never further than asked: a compressed file is
 * stream-decompressed and the stream is dropped as soon as enough text has come out.
 */
import { createZstdDecompress } from "node:zlib";

/** True for a zstd-compressed rollout (`rollout-*.jsonl.zst`). */
export function isCompressedRollout(path: string): boolean {
  return path.endsWith(".zst");
}

const CHUNK = 64 * 1024;

async function* plainChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path);
  const buffer = new Uint8Array(CHUNK);
  let read = 0;
  while (read < limit) {
    const n = await file.read(buffer);
    if (n === null || n === 0) return;
    read += n;
    yield buffer.slice(0, n);
  }
}

async function* zstdChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path);
  const decompress = createZstdDecompress();
  const buffer = new Uint8Array(CHUNK);
  const ready: Uint8Array[] = [];
  let failure: Error | undefined;
  let ended = false;
  decompress.on("data", (chunk: Uint8Array) => void ready.push(chunk));
  const done = new Promise<void>((resolve) => {
    decompress.on("error", (error: Error) => {
      failure = error;
      resolve();
    });
    decompress.on("end", () => {
      ended = true;
      resolve();
    });
  });
  let out = 0;
  try {
    while (out < limit) {
      const chunk = ready.shift();
      if (chunk !== undefined) {
        out += chunk.length;
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      const n = await file.read(buffer);
      if (n === null || n === 0) {
        decompress.end();
        await done;
      } else {
        // The callback runs once the chunk went through: its output (if any) is in `ready`.
        const written = new Promise<void>((resolve) =>
          decompress.write(buffer.slice(0, n), () => resolve())
        );
        await Promise.race([written, done]);
      }
    }
  } finally {
    decompress.destroy();
  }
}

/**
 * Yields the rollout's text bytes in order, stopping once `limit` bytes have been yielded (the last
 * chunk may go past it). A `.zst` file that is not valid zstd throws.
 */
export function readRolloutChunks(path: string, limit: number): AsyncGenerator<Uint8Array> {
  return isCompressedRollout(path) ? zstdChunks(path, limit) : plainChunks(path, limit);
}
