/**
 * zstd decompressors for rollout heads, reused from one file to the next and asked for only as much
 * text as the reader takes. Through the public `node:zlib` stream, each compressed file cost a new
 * decompressor and every byte of its first blocks (up to 128 KB each) as output buffers: for
 * thousands of heads, seconds and over 100 MB that the process never gave back. Here a pooled
 * decompressor's handle is driven synchronously (`writeSync` into one small buffer, as
 * `zlib.*Sync` does inside), so a head costs one block's decoding and a few kilobytes of output.
 * Where that handle is missing (another runtime), the public stream is used, reset between files.
 */
import { createZstdDecompress, type ZstdDecompress } from "node:zlib";

/** Text handed out at a time (the `session_meta` fields sit in the first kilobyte). */
const OUT_CHUNK = 4 * 1024;
/** Compressed bytes read at a time: a head rarely needs more than the first block. */
const IN_CHUNK = 16 * 1024;
/** Idle decompressors kept (reads at once rarely exceed this). */
const POOL_MAX = 4;
/** `ZSTD_e_continue`: decompress what is there, no flushing needed. */
const CONTINUE = 0;

/** A decompressor lent for one compressed file. */
export interface ZstdLease {
  /**
   * Decompresses `input`, yielding text in order as it comes out; stop early to decode no further.
   * A yielded chunk may be overwritten once the next one is asked for. Throws on data that is not
   * zstd.
   */
  decode(input: Uint8Array): AsyncGenerator<Uint8Array>;
  /**
   * Decompresses from `input` straight into `output`, synchronously, as far as `output` allows:
   * how many bytes were read and written. Undefined where the runtime lacks the synchronous handle.
   */
  readonly decodeSync:
    | ((input: Uint8Array, output: Uint8Array) => { read: number; written: number })
    | undefined;
  /** A buffer to read the compressed bytes into, lent with the decompressor. */
  readonly input: Uint8Array;
  /** Done with this file: the decompressor is reset and kept for the next one, or dropped. */
  [Symbol.dispose](): void;
}

/** The handle behind a `node:zlib` stream (`writeSync` fills `writeState` with what is left). */
interface RawHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}

interface Decoder {
  stream: ZstdDecompress;
  /** The synchronous handle and its [availOut, availIn], when this runtime has them. */
  raw: { handle: RawHandle; state: Uint32Array } | undefined;
  output: Uint8Array;
  input: Uint8Array;
  /** Output of the stream fallback not handed out yet. */
  pending: Uint8Array[];
  failure: Error | undefined;
}

const idle: Decoder[] = [];
const counts = { created: 0, raw: 0 };

function rawHandleOf(stream: ZstdDecompress): Decoder["raw"] {
  const s = stream as unknown as { _handle?: Partial<RawHandle>; _writeState?: unknown };
  const handle = s._handle;
  const state = s._writeState;
  if (
    typeof handle?.writeSync !== "function" || typeof handle.reset !== "function" ||
    !(state instanceof Uint32Array) || state.length < 2
  ) return undefined;
  return { handle: handle as RawHandle, state };
}

function createDecoder(): Decoder {
  const stream = createZstdDecompress({ chunkSize: OUT_CHUNK });
  const decoder: Decoder = {
    stream,
    raw: rawHandleOf(stream),
    output: new Uint8Array(OUT_CHUNK),
    input: new Uint8Array(IN_CHUNK),
    pending: [],
    failure: undefined,
  };
  stream.on("error", (error: Error) => void (decoder.failure = error));
  if (decoder.raw === undefined) {
    stream.on("data", (chunk: Uint8Array) => void decoder.pending.push(chunk));
  } else {
    counts.raw++;
  }
  counts.created++;
  return decoder;
}

function decodeInto(
  decoder: Decoder,
  raw: NonNullable<Decoder["raw"]>,
  input: Uint8Array,
  output: Uint8Array,
): { read: number; written: number } {
  try {
    raw.handle.writeSync(CONTINUE, input, 0, input.length, output, 0, output.length);
  } catch (error) {
    decoder.failure = error instanceof Error ? error : new Error(String(error));
  }
  if (decoder.failure) throw decoder.failure;
  return { read: input.length - raw.state[1]!, written: output.length - raw.state[0]! };
}

/** Synchronous path: output only as far as the caller reads, into one reused buffer. */
async function* decodeRaw(
  decoder: Decoder,
  raw: NonNullable<Decoder["raw"]>,
  input: Uint8Array,
): AsyncGenerator<Uint8Array> {
  const { output } = decoder;
  let offset = 0;
  let left = input.length;
  while (true) {
    const { read, written } = decodeInto(
      decoder,
      raw,
      input.subarray(offset, offset + left),
      output,
    );
    offset += read;
    left -= read;
    // A view, not a copy: the caller decodes it before asking for more.
    if (written > 0) yield output.subarray(0, written);
    // A full buffer may mean more text is waiting; otherwise go on only while input is left.
    if (written < output.length && (left === 0 || (read === 0 && written === 0))) return;
  }
}

/** Stream path: whole writes; the output of a write is all out once its callback ran. */
async function* decodeStream(decoder: Decoder, input: Uint8Array): AsyncGenerator<Uint8Array> {
  const { stream } = decoder;
  await new Promise<void>((resolve) => {
    const settle = () => {
      stream.off("error", settle);
      resolve();
    };
    stream.once("error", settle);
    stream.write(input, () => settle());
  });
  if (decoder.failure) throw decoder.failure;
  const out = decoder.pending;
  decoder.pending = [];
  yield* out;
}

function release(decoder: Decoder): void {
  decoder.pending = [];
  const { stream } = decoder;
  const clean = !decoder.failure && !stream.destroyed && stream.readableLength === 0 &&
    stream.writableLength === 0;
  // `reset()` drops the frame in progress; without it, no reuse.
  const reset = decoder.raw?.handle.reset.bind(decoder.raw.handle) ??
    (stream as unknown as { reset?: () => void }).reset?.bind(stream);
  if (clean && idle.length < POOL_MAX && reset !== undefined) {
    reset();
    idle.push(decoder);
  } else {
    stream.destroy();
  }
}

/** Lends a decompressor (a pooled one when idle, else a new one); dispose of it after the file. */
export function leaseZstd(): ZstdLease {
  const decoder = idle.pop() ?? createDecoder();
  let released = false;
  return {
    input: decoder.input,
    decodeSync: decoder.raw === undefined
      ? undefined
      : (input, output) => decodeInto(decoder, decoder.raw!, input, output),
    decode: (input) =>
      decoder.raw === undefined
        ? decodeStream(decoder, input)
        : decodeRaw(decoder, decoder.raw, input),
    [Symbol.dispose]() {
      if (released) return;
      released = true;
      release(decoder);
    },
  };
}

/** How many decompressors were created so far, and how many of them decode synchronously. */
export function zstdDecoderCounts(): { created: number; raw: number } {
  return { ...counts };
}
