/**
 * Reads an upstream body chunk by chunk without a fresh 64 KiB buffer per read: a byte stream
 * (every `fetch` body) is read in BYOB mode into one reused buffer, and each chunk is copied out
 * at its own size. Other streams fall back to a default reader.
 */

/** The reader the proxy uses for upstream bodies. */
export interface BodyReader {
  /** The next chunk, or `null` at the end of the body. */
  read(): Promise<Uint8Array | null>;
  /** Stops reading and releases the upstream body. */
  cancel(reason?: unknown): Promise<void>;
}

/** Size of the reused read buffer (a larger chunk is read in several pieces). */
const BUFFER_SIZE = 16 * 1024;
/** Buffers of finished bodies, kept for the next ones. */
const FREE: ArrayBuffer[] = [];
const MAX_FREE = 64;

class ByobBodyReader implements BodyReader {
  #reader: ReadableStreamBYOBReader;
  #buffer: ArrayBuffer | null = FREE.pop() ?? new ArrayBuffer(BUFFER_SIZE);

  constructor(reader: ReadableStreamBYOBReader) {
    this.#reader = reader;
  }

  read(): Promise<Uint8Array | null> {
    const buffer = this.#buffer ?? new ArrayBuffer(BUFFER_SIZE);
    this.#buffer = null;
    // (a plain `then`, not an async function: this runs once per chunk)
    return this.#reader.read(new Uint8Array(buffer)).then(this.#onRead);
  }

  #onRead = ({ done, value }: ReadableStreamReadResult<Uint8Array>): Uint8Array | null => {
    if (done) {
      if (value !== undefined && FREE.length < MAX_FREE) FREE.push(value.buffer as ArrayBuffer);
      return null;
    }
    this.#buffer = value.buffer as ArrayBuffer;
    return value.slice();
  };

  cancel(reason?: unknown): Promise<void> {
    return this.#reader.cancel(reason);
  }
}

class DefaultBodyReader implements BodyReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  async read(): Promise<Uint8Array | null> {
    const { done, value } = await this.#reader.read();
    return done ? null : value;
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#reader.cancel(reason);
  }
}

/** A reader for `body`: BYOB with a reused buffer when the stream allows it. */
export function createBodyReader(body: ReadableStream<Uint8Array>): BodyReader {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    // not a byte stream (a body built in JS)
  }
  return byob ? new ByobBodyReader(byob) : new DefaultBodyReader(body.getReader());
}
