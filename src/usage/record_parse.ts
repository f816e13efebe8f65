/** Reading one stored request-log line back, and what counts as an error. */
import type { RequestRecord } from "./log_record.ts";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one log line; `undefined` when it is not JSON or lacks the fields every version wrote
 * (`timestamp_ms`, `status_code`). Lines from older versions without the appended fields parse.
 *
 * @example
 * ```ts
 * parseRequestRecord('{"timestamp_ms":1,"status_code":200}')?.status_code; // 200
 * parseRequestRecord("not json"); // undefined
 * ```
 */
export function parseRequestRecord(line: string): RequestRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  // Beyond ±8.64e15 ms there is no date to show or group by.
  if (typeof value.timestamp_ms !== "number" || !(Math.abs(value.timestamp_ms) <= MAX_DATE_MS)) {
    return undefined;
  }
  if (typeof value.status_code !== "number") return undefined;
  // A line edited by hand or written by another program: text fields of another type count as absent.
  for (const key of TEXT_FIELDS) {
    const field = value[key];
    if (field !== undefined && field !== null && typeof field !== "string") delete value[key];
  }
  if (value.usage !== undefined && !isObject(value.usage)) value.usage = null;
  return value as unknown as RequestRecord;
}

const MAX_DATE_MS = 8.64e15;
const TEXT_FIELDS = [
  "service",
  "method",
  "path",
  "config_name",
  "upstream_base_url",
  "model",
  "outcome",
] as const;

/** A request is an error when its status is >= 400 or it did not complete. */
export function isErrorRecord(record: Pick<RequestRecord, "status_code" | "outcome">): boolean {
  return record.status_code >= 400 ||
    (record.outcome !== undefined && record.outcome !== "completed");
}

/** Cached input tokens, from the Responses or the Anthropic accounting. */
export function cachedInputTokens(record: Pick<RequestRecord, "usage">): number {
  const u = record.usage;
  if (!u) return 0;
  return num(u.cached_input_tokens) || num(u.cache_read_input_tokens);
}

/** A number field, or 0 when absent or not a finite number. */
export function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

const TIMESTAMP_PREFIX = '{"timestamp_ms":';

/**
 * The `timestamp_ms` of a line written by codex-helper (it comes first), read without parsing
 * the line; `undefined` when the line does not start that way. Lets `--since` skip old lines cheaply.
 *
 * @example
 * ```ts
 * readLeadingTimestamp('{"timestamp_ms":1764000000000,"service":"codex"}'); // 1764000000000
 * ```
 */
export function readLeadingTimestamp(line: string): number | undefined {
  if (!line.startsWith(TIMESTAMP_PREFIX)) return undefined;
  let value = 0;
  let i = TIMESTAMP_PREFIX.length;
  const first = i;
  for (; i < line.length && i < first + 16; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  const next = line.charCodeAt(i);
  if (i === first || (next !== 44 && next !== 125)) return undefined; // then "," or "}"
  return value;
}
