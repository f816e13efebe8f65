/** Reads a request body once, up to a size limit, so every attempt can reuse it. */
import { DEADLINES } from "./deadlines.ts";
import { concat } from "./forward.ts";

/** Options of {@linkcode readRequestBody}. */
export interface ReadRequestBodyOptions {
  /** A client that sends no body bytes for this long is given up on (`"stalled"`). */
  stallMs: number;
  /** Aborted when the server shuts down: the read ends as `"shutdown"`. */
  shutdown?: AbortSignal;
}

/** What became of a request body that could not be read whole. */
export type BodyRefusal = "too_large" | "aborted" | "stalled" | "shutdown";

/**
 * The body bytes, `null` when there is none, `"too_large"` past `maxBytes` (the rest is not
 * read), `"aborted"` when the client went away mid-body, `"stalled"` when it stopped sending
 * for `stallMs` (idle time between bytes, with or without a declared length), or `"shutdown"`.
 */
export async function readRequestBody(
  req: Request,
  maxBytes: number,
  options: ReadRequestBodyOptions,
): Promise<Uint8Array | null | BodyRefusal> {
  if (req.body === null) return null;
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    req.body.cancel().catch(() => {});
    return "too_large";
  }
  const reader = req.body.getReader();
  let progressed = false;
  let stopped: BodyRefusal | undefined;
  const stop = (why: BodyRefusal) => {
    stopped ??= why;
    reader.cancel().catch(() => {});
  };
  const watchdog = DEADLINES.after(options.stallMs, () => {
    if (progressed) {
      progressed = false;
      return options.stallMs;
    }
    stop("stalled");
  });
  const onShutdown = () => stop("shutdown");
  options.shutdown?.addEventListener("abort", onShutdown, { once: true });
  if (options.shutdown?.aborted) onShutdown();
  // a declared length within the limit is read into one buffer of that size
  const exact = Number.isSafeInteger(declared) && declared >= 0 ? new Uint8Array(declared) : null;
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (stopped) return stopped;
      if (done) break;
      progressed = true;
      if (size + value.length > maxBytes) {
        stop("too_large");
        return "too_large";
      }
      if (exact !== null && size + value.length <= exact.length) exact.set(value, size);
      else parts.push(value);
      size += value.length;
    }
  } catch {
    return stopped ?? "aborted";
  } finally {
    watchdog.cancel();
    options.shutdown?.removeEventListener("abort", onShutdown);
  }
  if (exact !== null && size === exact.length && parts.length === 0) return exact;
  return concat(
    exact === null ? parts : [exact.subarray(0, Math.min(size, exact.length)), ...parts],
  );
}
