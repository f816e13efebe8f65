/**
 * Reads token usage from a response while it streams, in one pass: Responses SSE, Chat
 * Completions SSE, Anthropic Messages SSE, and the non-streaming JSON of all three.
 */
import type { UsageCounts } from "./log_record.ts";

/** What a finished response told about itself. */
export interface UsageResult {
  usage: UsageCounts | null;
  model: string | null;
  /** True when the stream carried its protocol's last event (or was plain JSON). */
  terminal: boolean;
  /** True when the body was recognised as SSE of a known protocol (so `terminal` is meaningful). */
  recognised: boolean;
  /** The stream's failure event (`response.failed`, `error`), when it carried one. */
  failure: StreamFailure | null;
}

/** A failure event in a stream: its type and its error code (or error type). */
export interface StreamFailure {
  type: string;
  code: string;
}

/** An incremental usage reader; feed it every chunk, then call `finish()`. */
export interface UsageParser {
  feed(chunk: Uint8Array): void;
  finish(): UsageResult;
}

/** Longest JSON body kept for parsing (chars); longer ones are skipped. */
const MAX_BUFFERED_CHARS = 16 * 1024 * 1024;
/** Longest single SSE line kept for parsing (bytes); longer ones are skipped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

const INTERESTING = new Set([
  "response.created",
  "response.in_progress",
  "response.completed",
  "response.done",
  "response.incomplete",
  "response.failed",
  "message_start",
  "message_delta",
  "message_stop",
  "error",
]);

const TERMINAL = new Set([
  "response.completed",
  "response.done",
  "response.incomplete",
  "response.failed",
  "message_stop",
  "error",
]);

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Json
    : undefined;
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Normalises a Responses `usage` object; null when absent. */
export function parseResponsesUsage(value: unknown): UsageCounts | null {
  const u = obj(value);
  if (!u) return null;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const out: UsageCounts = {
    input_tokens: input,
    output_tokens: output,
    reasoning_tokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
    total_tokens: typeof u.total_tokens === "number" ? u.total_tokens : input + output,
  };
  const cached = obj(u.input_tokens_details)?.cached_tokens;
  if (typeof cached === "number") out.cached_input_tokens = cached;
  return out;
}

/** Normalises a Chat Completions `usage` object; null when absent. */
export function parseChatUsage(value: unknown): UsageCounts | null {
  const u = obj(value);
  if (!u) return null;
  const input = num(u.prompt_tokens);
  const output = num(u.completion_tokens);
  const out: UsageCounts = {
    input_tokens: input,
    output_tokens: output,
    reasoning_tokens: num(obj(u.completion_tokens_details)?.reasoning_tokens),
    total_tokens: typeof u.total_tokens === "number" ? u.total_tokens : input + output,
  };
  const cached = obj(u.prompt_tokens_details)?.cached_tokens;
  if (typeof cached === "number") out.cached_input_tokens = cached;
  return out;
}

/**
 * Normalises Anthropic usage (already merged). `input_tokens` counts the whole prompt, cache
 * reads and writes included, as in the Responses API; the cache parts are kept separately.
 */
export function parseAnthropicUsage(value: unknown): UsageCounts | null {
  const u = obj(value);
  if (!u) return null;
  const creation = num(u.cache_creation_input_tokens);
  const read = num(u.cache_read_input_tokens);
  const input = num(u.input_tokens) + creation + read;
  const output = num(u.output_tokens);
  return {
    input_tokens: input,
    output_tokens: output,
    reasoning_tokens: 0,
    total_tokens: input + output,
    cached_input_tokens: read,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: read,
  };
}

/**
 * The failure an SSE event reports: `response.failed` (code in `response.error`) or `error`
 * (code in `error.code`, `error.type` or `code`); null for any other event.
 *
 * @example
 * ```ts
 * readStreamFailure({ type: "error", error: { type: "overloaded_error" } });
 * // { type: "error", code: "overloaded_error" }
 * ```
 */
export function readStreamFailure(event: unknown): StreamFailure | null {
  const e = obj(event);
  if (e?.type === "response.failed") {
    const error = obj(obj(e.response)?.error);
    return { type: e.type, code: text(error?.code) || text(error?.type) };
  }
  if (e?.type === "error") {
    const error = obj(e.error);
    return { type: e.type, code: text(error?.code) || text(error?.type) || text(e.code) };
  }
  return null;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Reads usage from a whole non-streaming JSON body of any of the three protocols. */
export function parseJsonBodyUsage(
  body: unknown,
): { usage: UsageCounts | null; model: string | null } {
  const b = obj(body);
  if (!b) return { usage: null, model: null };
  const model = typeof b.model === "string" ? b.model : null;
  const u = obj(b.usage);
  if (!u) return { usage: null, model };
  if (b.type === "message") return { usage: parseAnthropicUsage(u), model };
  if ("prompt_tokens" in u) return { usage: parseChatUsage(u), model };
  return { usage: parseResponsesUsage(u), model };
}

const DATA = [100, 97, 116, 97, 58]; // "data:"
const TYPE_KEY = [123, 34, 116, 121, 112, 101, 34, 58, 34]; // '{"type":"'
const DONE = [91, 68, 79, 78, 69, 93]; // "[DONE]"
const USAGE_KEY = [34, 117, 115, 97, 103, 101, 34]; // '"usage"'

/** True when `bytes[at..end)` starts with `prefix`. */
function startsWith(
  bytes: Uint8Array,
  at: number,
  end: number,
  prefix: ArrayLike<number>,
): boolean {
  if (end - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function includesBytes(bytes: Uint8Array, from: number, end: number, needle: number[]): boolean {
  const first = needle[0]!;
  for (
    let at = bytes.indexOf(first, from);
    at !== -1 && at < end;
    at = bytes.indexOf(first, at + 1)
  ) {
    if (startsWith(bytes, at, end, needle)) return true;
  }
  return false;
}

/**
 * The `type` of an SSE JSON payload in `line[at..end)` when it is the first key, read from the
 * bytes without decoding the payload; undefined when it is not first or not plain ASCII.
 */
function quickType(line: Uint8Array, at: number, end: number): string | undefined {
  if (!startsWith(line, at, end, TYPE_KEY)) return undefined;
  const from = at + TYPE_KEY.length;
  const close = line.indexOf(34, from);
  if (close <= from || close >= end) return undefined;
  for (let i = from; i < close; i++) {
    const b = line[i]!;
    if (b >= 128 || b === 92) return undefined;
  }
  return String.fromCharCode.apply(null, line.subarray(from, close) as unknown as number[]);
}

/** A parser for one response body; `contentType` decides between SSE and JSON. */
export function createUsageParser(contentType: string | null): UsageParser {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("text/event-stream")) return createSseParser();
  if (ct.includes("json")) return createJsonParser();
  return {
    feed() {},
    finish: () => ({ usage: null, model: null, terminal: false, recognised: false, failure: null }),
  };
}

function createJsonParser(): UsageParser {
  const decoder = new TextDecoder();
  let text = "";
  let overflow = false;
  return {
    feed(chunk) {
      if (overflow) return;
      text += decoder.decode(chunk, { stream: true });
      if (text.length > MAX_BUFFERED_CHARS) [overflow, text] = [true, ""];
    },
    finish() {
      // a whole JSON body is its own terminal event: `terminal` says it parsed completely
      const none = { usage: null, model: null, terminal: false, recognised: false, failure: null };
      if (overflow) return none;
      try {
        const found = parseJsonBodyUsage(JSON.parse(text + decoder.decode()));
        return { ...found, terminal: true, recognised: true, failure: null };
      } catch {
        return none;
      }
    },
  };
}

/** Decodes whole lines (no streaming state), shared by every parser. */
const LINE_DECODER = new TextDecoder();

function createSseParser(): UsageParser {
  let usage: UsageCounts | null = null;
  let anthropic: Json | undefined;
  let model: string | null = null;
  let terminal = false;
  let recognised = false;
  let failure: StreamFailure | null = null;

  const onEvent = (payload: string): void => {
    let data: Json | undefined;
    try {
      data = obj(JSON.parse(payload));
    } catch {
      return;
    }
    if (!data) return;
    const kind = typeof data.type === "string" ? data.type : undefined;
    if (kind !== undefined && TERMINAL.has(kind)) {
      terminal = true;
      if (kind === "response.failed" || kind === "error") failure = readStreamFailure(data);
    }
    if (kind?.startsWith("response.")) {
      recognised = true;
      const response = obj(data.response);
      if (typeof response?.model === "string") model = response.model;
      const found = parseResponsesUsage(response?.usage);
      if (found) usage = found;
    } else if (kind === "message_start") {
      recognised = true;
      const message = obj(data.message);
      if (typeof message?.model === "string") model = message.model;
      anthropic = { ...obj(message?.usage) };
      usage = parseAnthropicUsage(anthropic);
    } else if (kind === "message_delta") {
      anthropic = { ...anthropic, ...obj(data.usage) };
      usage = parseAnthropicUsage(anthropic);
    } else if (kind === undefined && data.object === "chat.completion.chunk") {
      recognised = true;
      if (typeof data.model === "string") model = data.model;
      const found = parseChatUsage(data.usage);
      if (found) usage = found;
    }
  };

  // the last skipped event type, as bytes: most lines repeat it, and need no string made
  let skippedType: Uint8Array | undefined;
  // a line is `buf[from..to)` (no copy; the chunk it is in is only read)
  const onLine = (buf: Uint8Array, from: number, to: number): void => {
    // only `data:` lines whose event can carry usage, a model or the end are decoded
    let end = to;
    if (end > from && buf[end - 1] === 13) end--;
    if (!startsWith(buf, from, end, DATA)) return;
    const at = buf[from + 5] === 32 ? from + 6 : from + 5;
    if (end - at === DONE.length && startsWith(buf, at, end, DONE)) {
      terminal = true;
      recognised = true;
      return;
    }
    if (skippedType !== undefined && startsWith(buf, at, end, skippedType)) return;
    const type = quickType(buf, at, end);
    if (type !== undefined && !INTERESTING.has(type)) {
      recognised ||= type.startsWith("response.") || type.startsWith("content_block");
      // `{"type":"<type>"`, closing quote included
      skippedType = buf.slice(at, at + TYPE_KEY.length + type.length + 1);
      return;
    }
    if (type === undefined && model !== null && !includesBytes(buf, at, end, USAGE_KEY)) return;
    if (model !== null && (type === "response.created" || type === "response.in_progress")) {
      // carries the whole request echo but no usage; the model is already known
      recognised = true;
      return;
    }
    onEvent(LINE_DECODER.decode(buf.subarray(at, end)));
  };

  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  let skipping = false;
  const joinPending = (tail: Uint8Array): Uint8Array => {
    pending.push(tail);
    const line = concatBytes(pending, pendingSize + tail.length);
    pending = [];
    pendingSize = 0;
    return line;
  };

  return {
    feed(chunk) {
      let start = 0;
      let nl = chunk.indexOf(10);
      while (nl !== -1) {
        if (skipping) skipping = false;
        else if (pendingSize === 0) onLine(chunk, start, nl);
        else {
          const line = joinPending(chunk.subarray(start, nl));
          onLine(line, 0, line.length);
        }
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (start < chunk.length && !skipping) {
        pending.push(chunk.subarray(start));
        pendingSize += chunk.length - start;
        if (pendingSize > MAX_BUFFERED_BYTES) {
          [pending, pendingSize, skipping] = [[], 0, true];
        }
      }
    },
    finish() {
      if (pendingSize > 0 && !skipping) {
        const line = joinPending(new Uint8Array());
        onLine(line, 0, line.length);
      }
      pending = [];
      pendingSize = 0;
      return { usage, model, terminal, recognised, failure };
    },
  };
}

function concatBytes(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A pass-through stream that reads usage on the way; `result()` once it has flushed. */
export function createUsageTap(
  contentType: string | null,
): { stream: TransformStream<Uint8Array, Uint8Array>; result(): UsageResult } {
  const parser = createUsageParser(contentType);
  let result: UsageResult | undefined;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      parser.feed(chunk);
    },
    flush() {
      result = parser.finish();
    },
  });
  return { stream, result: () => result ?? parser.finish() };
}
