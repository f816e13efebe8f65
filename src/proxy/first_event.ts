/** Decides whether the first SSE event of a reply is a retryable failure (fail over unseen). */

/** Error codes after which another upstream may well succeed. */
const RETRYABLE_CODES = new Set([
  "server_error",
  "rate_limit_exceeded",
  "internal_error",
  "service_unavailable",
  "overloaded",
  "overloaded_error",
  "api_error",
  "rate_limit_error",
  "slow_down",
]);

/** The verdict on a first event. */
export interface FirstEventVerdict {
  retryable: boolean;
  type: string;
  code: string;
}

function pick(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Reads the first event of an SSE body: `response.failed` or `error` with a code like
 * `server_error` / `rate_limit_exceeded` / `overloaded_error` is retryable; anything else is not.
 *
 * @example
 * ```ts
 * classifyFirstEvent(new TextEncoder().encode('data: {"type":"error","error":{"type":"overloaded_error"}}\n\n'));
 * // { retryable: true, type: "error", code: "overloaded_error" }
 * ```
 */
export function classifyFirstEvent(bytes: Uint8Array): FirstEventVerdict {
  const none = { retryable: false, type: "", code: "" };
  const block = new TextDecoder().decode(bytes);
  // fast path: a first event whose type is plainly something else needs no JSON parse
  const at = block.indexOf('data: {"type":"');
  if (at !== -1 && at < 200) {
    const type = block.slice(at + 15, block.indexOf('"', at + 15));
    if (type !== "response.failed" && type !== "error") return none;
  }
  const end = block.search(/\r?\n\r?\n/);
  const event = end === -1 ? block : block.slice(0, end);
  const data = event.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) =>
    l.slice(5).trimStart()
  ).join("\n");
  if (!data.startsWith("{")) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return none;
  }
  const type = text(pick(parsed, "type"));
  let code = "";
  if (type === "response.failed") {
    const error = pick(pick(parsed, "response"), "error");
    code = text(pick(error, "code")) || text(pick(error, "type"));
  } else if (type === "error") {
    const error = pick(parsed, "error");
    code = text(pick(error, "code")) || text(pick(error, "type")) || text(pick(parsed, "code"));
  } else {
    return none;
  }
  return { retryable: RETRYABLE_CODES.has(code), type, code };
}
