/** Reads a request body once, up to a size limit, so every attempt can reuse it. */
import { concat } from "./forward.ts";

/**
 * The body bytes, `null` when there is none, `"too_large"` past `maxBytes` (the rest is not
 * read), or `"aborted"` when the client went away mid-body.
 */
export async function readRequestBody(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array | null | "too_large" | "aborted"> {
  if (req.body === null) return null;
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    req.body.cancel().catch(() => {});
    return "too_large";
  }
  if (Number.isFinite(declared)) {
    // a declared length within the limit: one read of the whole body
    try {
      return await req.bytes();
    } catch {
      return "aborted";
    }
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
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
