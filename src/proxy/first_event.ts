/**
 * The first SSE event of a reply: where it ends (comments and empty blocks are not events), and
 * whether it is a retryable failure (fail over unseen).
 */
import { readStreamFailure } from "../usage/record.ts";

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

/** True for an error code after which another upstream (or a later try) may well succeed. */
export function isRetryableCode(code: string): boolean {
  return RETRYABLE_CODES.has(code);
}

/** The verdict on a first event. */
export interface FirstEventVerdict {
  retryable: boolean;
  type: string;
  code: string;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const DATA = [100, 97, 116, 97]; // "data"

function isDataLine(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from < 4) return false;
  for (let i = 0; i < 4; i++) if (bytes[from + i] !== DATA[i]) return false;
  return to - from === 4 || bytes[from + 4] === COLON;
}

/** Where an event lies in a buffer: `bytes[start..end)`. */
export interface EventSpan {
  start: number;
  end: number;
}

/**
 * The span of the first event in `bytes`: the first block (lines up to an empty line) with a
 * `data` field. Comment-only (`: keep-alive`) and empty blocks before it are skipped; undefined
 * while no complete event is in.
 *
 * @example
 * ```ts
 * findFirstEvent(new TextEncoder().encode(': ping\n\ndata: {}\n\n')); // { start: 8, end: 18 }
 * ```
 */
export function findFirstEvent(bytes: Uint8Array): EventSpan | undefined {
  let blockStart = 0;
  let hasData = false;
  let lineStart = 0;
  for (let nl = bytes.indexOf(LF); nl !== -1; nl = bytes.indexOf(LF, lineStart)) {
    const lineEnd = nl > lineStart && bytes[nl - 1] === CR ? nl - 1 : nl;
    if (lineEnd === lineStart) {
      if (hasData) return { start: blockStart, end: nl + 1 };
      blockStart = nl + 1;
    } else if (!hasData && isDataLine(bytes, lineStart, lineEnd)) hasData = true;
    lineStart = nl + 1;
  }
  return undefined;
}

const NONE: FirstEventVerdict = { retryable: false, type: "", code: "" };
const DECODER = new TextDecoder();
/** The bytes the fast path reads: a `type` that starts within 200 characters ends within them. */
const FAST_PATH_BYTES = 256;

/**
 * Reads the first event of an SSE body: `response.failed` or `error` with a code like
 * `server_error` / `rate_limit_exceeded` / `overloaded_error` is retryable; anything else is not.
 * `span` is the first event's place when the caller has found it already.
 *
 * @example
 * ```ts
 * classifyFirstEvent(new TextEncoder().encode('data: {"type":"error","error":{"type":"overloaded_error"}}\n\n'));
 * // { retryable: true, type: "error", code: "overloaded_error" }
 * ```
 */
export function classifyFirstEvent(
  bytes: Uint8Array,
  span: EventSpan | undefined = findFirstEvent(bytes),
): FirstEventVerdict {
  const event = span ? bytes.subarray(span.start, span.end) : bytes;
  // fast path: a first event whose type is plainly something else needs no JSON parse, nor a
  // decode past its start (`response.created` echoes the whole request)
  const head = DECODER.decode(event.subarray(0, FAST_PATH_BYTES));
  const at = head.indexOf('data: {"type":"');
  if (at !== -1 && at < 200) {
    const type = head.slice(at + 15, head.indexOf('"', at + 15));
    if (type !== "response.failed" && type !== "error") return NONE;
  }
  const block = DECODER.decode(event);
  const data = block.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) =>
    l.slice(5).trimStart()
  ).join("\n");
  if (!data.startsWith("{")) return NONE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return NONE;
  }
  const failure = readStreamFailure(parsed);
  if (failure === null) return NONE;
  return { retryable: isRetryableCode(failure.code), ...failure };
}
