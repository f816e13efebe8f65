/**
 * Decoding a compressed request body (`Content-Encoding`), so filter rules see the real bytes:
 * gzip, deflate, br and zstd, in the order the client applied them, bounded in size.
 */

/** Why a body could not be decoded: the status and message for the client. */
export interface EncodingRefusal {
  status: 400 | 413 | 415;
  message: string;
}

type Decoder = (bytes: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;
type Zlib = typeof import("node:zlib");

/** The decoders; node:zlib is loaded on first use, so a proxy that never needs it never pays. */
function decodersOf(zlib: Zlib): Record<string, Decoder> {
  return {
    gzip: zlib.gunzipSync,
    "x-gzip": zlib.gunzipSync,
    deflate: (bytes, options) => {
      // "deflate" is zlib-wrapped by the spec; some clients send it raw
      try {
        return zlib.inflateSync(bytes, options);
      } catch (error) {
        if (isTooLarge(error)) throw error;
        return zlib.inflateRawSync(bytes, options);
      }
    },
    br: zlib.brotliDecompressSync,
    zstd: zlib.zstdDecompressSync,
  };
}

let decoders: Record<string, Decoder> | undefined;

function isTooLarge(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "ERR_BUFFER_TOO_LARGE";
}

/** The codings of a `Content-Encoding` value in the order they were applied (`identity` dropped). */
export function parseContentEncoding(value: string): string[] {
  return value.split(",").map((c) => c.trim().toLowerCase()).filter((c) =>
    c !== "" && c !== "identity"
  );
}

/** Options of {@linkcode decodeRequestBody}. */
export interface DecodeRequestBodyOptions {
  /** The request's `Content-Encoding` value. */
  encoding: string;
  /** The most decoded bytes accepted (`proxy.max_body_bytes`). */
  maxBytes: number;
}

/**
 * The plain bytes of `body` sent with `Content-Encoding: encoding`, at most `maxBytes` of them;
 * an {@linkcode EncodingRefusal} for a coding it cannot decode (415), a corrupt body (400) or
 * one that decodes past the limit (413).
 */
export async function decodeRequestBody(
  body: Uint8Array,
  options: DecodeRequestBodyOptions,
): Promise<Uint8Array | EncodingRefusal> {
  const { encoding, maxBytes } = options;
  decoders ??= decodersOf(await import("node:zlib"));
  let bytes = body;
  for (const coding of parseContentEncoding(encoding).reverse()) {
    const decode = decoders[coding];
    if (decode === undefined) {
      return {
        status: 415,
        message: `Request Content-Encoding "${coding}" cannot be decoded for filter.json ` +
          "(gzip, deflate, br and zstd can); send the body uncompressed",
      };
    }
    try {
      bytes = new Uint8Array(decode(bytes, { maxOutputLength: maxBytes }));
    } catch (error) {
      if (isTooLarge(error)) {
        return {
          status: 413,
          message: `Decoded request body exceeds proxy.max_body_bytes (${maxBytes} bytes)`,
        };
      }
      const why = error instanceof Error ? error.message : String(error);
      return { status: 400, message: `Cannot decode the "${coding}" request body: ${why}` };
    }
  }
  return bytes;
}
