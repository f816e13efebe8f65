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
}

/** An incremental usage reader; feed it every chunk, then call `finish()`. */
export interface UsageParser {
  feed(chunk: Uint8Array): void;
  finish(): UsageResult;
}

/** Longest single SSE line or JSON body kept for parsing; longer ones are skipped. */
const MAX_BUFFERED_CHARS = 16 * 1024 * 1024;

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

/** The `type` of an SSE JSON payload when it is the first key, without parsing the payload. */
function quickType(payload: string): string | undefined {
  if (!payload.startsWith('{"type":"')) return undefined;
  const end = payload.indexOf('"', 9);
  return end > 9 ? payload.slice(9, end) : undefined;
}

/** A parser for one response body; `contentType` decides between SSE and JSON. */
export function createUsageParser(contentType: string | null): UsageParser {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("text/event-stream")) return createSseParser();
  if (ct.includes("json")) return createJsonParser();
  return {
    feed() {},
    finish: () => ({ usage: null, model: null, terminal: false, recognised: false }),
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
      if (overflow) return { usage: null, model: null, terminal: true, recognised: false };
      try {
        const found = parseJsonBodyUsage(JSON.parse(text + decoder.decode()));
        return { ...found, terminal: true, recognised: true };
      } catch {
        return { usage: null, model: null, terminal: true, recognised: false };
      }
    },
  };
}

function createSseParser(): UsageParser {
  const decoder = new TextDecoder();
  let pending = "";
  let skipping = false;
  let usage: UsageCounts | null = null;
  let anthropic: Json | undefined;
  let model: string | null = null;
  let terminal = false;
  let recognised = false;

  const onEvent = (type: string | undefined, payload: string): void => {
    if (payload === "[DONE]") {
      terminal = true;
      recognised = true;
      return;
    }
    if (type !== undefined && !INTERESTING.has(type)) {
      recognised ||= type.startsWith("response.") || type.startsWith("content_block");
      return;
    }
    if (type === undefined && model !== null && !payload.includes('"usage"')) return;
    let data: Json | undefined;
    try {
      data = obj(JSON.parse(payload));
    } catch {
      return;
    }
    if (!data) return;
    const kind = typeof data.type === "string" ? data.type : undefined;
    if (kind !== undefined && TERMINAL.has(kind)) terminal = true;
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

  const onLine = (line: string): void => {
    if (!line.startsWith("data:")) return;
    const payload = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    onEvent(quickType(payload), payload);
  };

  return {
    feed(chunk) {
      const text = decoder.decode(chunk, { stream: true });
      let start = 0;
      let nl = text.indexOf("\n");
      while (nl !== -1) {
        let line = text.slice(start, nl);
        if (pending !== "") [line, pending] = [pending + line, ""];
        if (skipping) skipping = false;
        else onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      if (start < text.length && !skipping) {
        pending += text.slice(start);
        if (pending.length > MAX_BUFFERED_CHARS) [pending, skipping] = ["", true];
      }
    },
    finish() {
      if (pending !== "" && !skipping) onLine(pending);
      pending = "";
      return { usage, model, terminal, recognised };
    },
  };
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
