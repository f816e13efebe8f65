/** Reads a request body once, up to a size limit, so every attempt can reuse it. */
import { DEADLINES } from "./deadlines.ts";
import { concat } from "./forward.ts";

/** Options of {@linkcode readRequestBody}. */
export interface ReadRequestBodyOptions {
  /**
   * A client that sends no body bytes for this long is given up on (`"stalled"`). With a declared
   * length the body is read in one go, so there it bounds the whole read.
   */
  stallMs: number;
}

/**
 * The body bytes, `null` when there is none, `"too_large"` past `maxBytes` (the rest is not
 * read), `"aborted"` when the client went away mid-body, or `"stalled"` when it stopped sending.
 */
export async function readRequestBody(
  req: Request,
  maxBytes: number,
  options: ReadRequestBodyOptions,
): Promise<Uint8Array | null | "too_large" | "aborted" | "stalled"> {
  if (req.body === null) return null;
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    req.body.cancel().catch(() => {});
    return "too_large";
  }
  let progressed = false;
  let onStall = () => {};
  const stalled = new Promise<"stalled">((resolve) => onStall = () => resolve("stalled"));
  const watchdog = DEADLINES.after(options.stallMs, () => {
    if (progressed) {
      progressed = false;
      return options.stallMs;
    }
    onStall();
  });
  try {
    if (Number.isFinite(declared)) {
      // a declared length within the limit: one read of the whole body
      return await Promise.race([req.bytes().catch(() => "aborted" as const), stalled]);
    }
    return await Promise.race([readChunked(req.body, maxBytes, () => progressed = true), stalled]);
  } finally {
    watchdog.cancel();
  }
}

async function readChunked(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onBytes: () => void,
): Promise<Uint8Array | "too_large" | "aborted"> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      onBytes();
      size += value.length;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return "too_large";
      }
      parts.push(value);
    }
  } catch {
    return "aborted";
  }
  return parts.length === 0 ? new Uint8Array() : concat(parts);
}
