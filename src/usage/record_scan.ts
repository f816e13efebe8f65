/**
 * Reading the fields a summary needs straight from a log line's bytes. It checks the whole line
 * against the JSON grammar and handles the shapes codex-helper writes; anything else (escapes in
 * a field it reads, an unexpected type, bad JSON) is left to `JSON.parse` by returning false.
 */
import type { SummaryRecord } from "./summary.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const TIMESTAMP_MS = encode("timestamp_ms");
const STATUS_CODE = encode("status_code");
const DURATION_MS = encode("duration_ms");
const CONFIG_NAME = encode("config_name");
const UPSTREAM_BASE_URL = encode("upstream_base_url");
const MODEL = encode("model");
const OUTCOME = encode("outcome");
const USAGE = encode("usage");
const USAGE_KEYS = [
  "input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "total_tokens",
  "cached_input_tokens",
  "cache_read_input_tokens",
] as const;
const USAGE_KEY_BYTES = USAGE_KEYS.map(encode);
const MAX_DEPTH = 64;

type UsageFields = Record<(typeof USAGE_KEYS)[number], number | undefined>;

interface ScannedRecord {
  timestamp_ms: number | undefined;
  status_code: number | undefined;
  duration_ms: number | undefined;
  config_name: string | null | undefined;
  upstream_base_url: string | null | undefined;
  model: string | null | undefined;
  outcome: string | null | undefined;
  usage: UsageFields | null | undefined;
}

/** Decoded strings of recurring byte sequences (config names, hosts, models, outcomes). */
class ByteStringCache {
  #entries: { bytes: Uint8Array; text: string }[] = [];
  #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  get(b: Uint8Array, start: number, end: number): string {
    const length = end - start;
    search: for (const entry of this.#entries) {
      const bytes = entry.bytes;
      if (bytes.length !== length) continue;
      for (let k = 0; k < length; k++) if (bytes[k] !== b[start + k]) continue search;
      return entry.text;
    }
    const text = this.#decoder.decode(b.subarray(start, end));
    if (this.#entries.length < 64) this.#entries.push({ bytes: b.slice(start, end), text });
    return text;
  }
}

/** 1 for a byte that stands for itself inside a JSON string (not `"`, `\\` or a control). */
const PLAIN = new Uint8Array(256).map((_, c) => c >= 32 && c !== 34 && c !== 92 ? 1 : 0);

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Scans lines for {@linkcode SummaryLineScanner.scan}; one instance is reused line after line
 * (its `record` is overwritten by each scan).
 */
export class SummaryLineScanner {
  #b: Uint8Array = new Uint8Array(0);
  #i = 0;
  #end = 0;
  #n = 0; // the last number read
  #s = 0; // the last string's content: [#s, #e), #esc when it has escapes
  #e = 0;
  #esc = false;
  #strings = new ByteStringCache();
  #usage: UsageFields = {
    input_tokens: undefined,
    output_tokens: undefined,
    reasoning_tokens: undefined,
    total_tokens: undefined,
    cached_input_tokens: undefined,
    cache_read_input_tokens: undefined,
  };
  #record: ScannedRecord = {
    timestamp_ms: undefined,
    status_code: undefined,
    duration_ms: undefined,
    config_name: undefined,
    upstream_base_url: undefined,
    model: undefined,
    outcome: undefined,
    usage: undefined,
  };

  /** The record of the last successful scan; overwritten by the next scan. */
  get record(): SummaryRecord {
    return this.#record as unknown as SummaryRecord;
  }

  /**
   * Reads `bytes[start, end)` (one line, no newline). True when `record` holds exactly what
   * `parseRequestRecord` would give the summary; false when the line needs `parseRequestRecord`.
   */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    this.#b = bytes;
    this.#i = start;
    this.#end = end;
    const r = this.#record;
    r.timestamp_ms = r.status_code = r.duration_ms = undefined;
    r.config_name =
      r.upstream_base_url =
      r.model =
      r.outcome =
      r.usage =
        undefined;
    this.#ws();
    if (this.#peek() !== 123) return false;
    this.#i++;
    if (!this.#members(0)) return false;
    this.#ws();
    if (this.#i !== end) return false;
    return r.timestamp_ms !== undefined && r.status_code !== undefined;
  }

  #peek(): number {
    return this.#i < this.#end ? this.#b[this.#i]! : -1;
  }

  #ws(): void {
    while (this.#i < this.#end) {
      const c = this.#b[this.#i]!;
      if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return;
      this.#i++;
    }
  }

  #keyIs(name: Uint8Array): boolean {
    if (this.#e - this.#s !== name.length) return false;
    const b = this.#b;
    for (let k = 0; k < name.length; k++) if (b[this.#s + k] !== name[k]) return false;
    return true;
  }

  /** After `{` of the top level (depth 0) or usage (depth 1): members, then `}`. */
  #members(depth: number): boolean {
    this.#ws();
    if (this.#peek() === 125) {
      this.#i++;
      return true;
    }
    while (true) {
      if (this.#peek() !== 34 || !this.#string() || this.#esc) return false;
      this.#ws();
      if (this.#peek() !== 58) return false;
      this.#i++;
      this.#ws();
      if (!(depth === 0 ? this.#topValue() : this.#usageValue())) return false;
      this.#ws();
      const c = this.#peek();
      this.#i++;
      if (c === 125) return true;
      if (c !== 44) return false;
      this.#ws();
    }
  }

  #topValue(): boolean {
    const r = this.#record;
    if (this.#keyIs(TIMESTAMP_MS)) return (r.timestamp_ms = this.#finite()) !== undefined;
    if (this.#keyIs(STATUS_CODE)) return (r.status_code = this.#finite()) !== undefined;
    if (this.#keyIs(DURATION_MS)) return (r.duration_ms = this.#finite()) !== undefined;
    if (this.#keyIs(CONFIG_NAME)) return (r.config_name = this.#text()) !== undefined;
    if (this.#keyIs(UPSTREAM_BASE_URL)) return (r.upstream_base_url = this.#text()) !== undefined;
    if (this.#keyIs(MODEL)) return (r.model = this.#text()) !== undefined;
    if (this.#keyIs(OUTCOME)) return (r.outcome = this.#text()) !== undefined;
    if (this.#keyIs(USAGE)) {
      if (this.#peek() === 110) {
        r.usage = null;
        return this.#literal("null");
      }
      if (this.#peek() !== 123) return false;
      this.#i++;
      const u = this.#usage;
      for (const key of USAGE_KEYS) u[key] = undefined;
      r.usage = u;
      return this.#members(1);
    }
    return this.#skip(1);
  }

  #usageValue(): boolean {
    for (let k = 0; k < USAGE_KEY_BYTES.length; k++) {
      if (!this.#keyIs(USAGE_KEY_BYTES[k]!)) continue;
      const c = this.#peek();
      const isNumber = c === 45 || (c >= 48 && c <= 57);
      if (isNumber && !this.#number()) return false;
      this.#usage[USAGE_KEYS[k]!] = isNumber ? this.#n : undefined; // a non-number counts 0
      return isNumber || this.#skip(2);
    }
    return this.#skip(2);
  }

  /** A finite number, else undefined (the line goes to the full parser). */
  #finite(): number | undefined {
    const c = this.#peek();
    if (c !== 45 && (c < 48 || c > 57)) return undefined;
    if (!this.#number() || !Number.isFinite(this.#n)) return undefined;
    return this.#n;
  }

  /** A string without escapes, or null; else undefined. */
  #text(): string | null | undefined {
    const c = this.#peek();
    if (c === 110) return this.#literal("null") ? null : undefined;
    if (c !== 34 || !this.#string() || this.#esc) return undefined;
    return this.#strings.get(this.#b, this.#s, this.#e);
  }

  #literal(word: "null" | "true" | "false"): boolean {
    if (this.#i + word.length > this.#end) return false;
    for (let k = 0; k < word.length; k++) {
      if (this.#b[this.#i + k] !== word.charCodeAt(k)) return false;
    }
    this.#i += word.length;
    return true;
  }

  /** At `"`: a JSON string (escapes checked, no control characters). */
  #string(): boolean {
    const b = this.#b;
    const end = this.#end;
    let i = this.#i + 1;
    const start = i;
    let esc = false;
    while (i < end) {
      while (i < end && PLAIN[b[i]!] === 1) i++;
      if (i >= end) return false;
      const c = b[i]!;
      if (c === 34) {
        this.#s = start;
        this.#e = i;
        this.#esc = esc;
        this.#i = i + 1;
        return true;
      }
      if (c < 32) return false;
      if (c !== 92) {
        i++;
        continue;
      }
      esc = true;
      const d = i + 1 < end ? b[i + 1]! : -1;
      if (d === 117) {
        if (i + 5 >= end) return false;
        for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k]!)) return false;
        i += 6;
      } else if (
        d === 34 || d === 92 || d === 47 || d === 98 || d === 102 || d === 110 || d === 114 ||
        d === 116
      ) {
        i += 2;
      } else {
        return false;
      }
    }
    return false;
  }

  /** A JSON number; its value in `#n`. */
  #number(): boolean {
    const b = this.#b;
    const end = this.#end;
    const start = this.#i;
    let i = start;
    const negative = b[i] === 45;
    if (negative) i++;
    let c = i < end ? b[i]! : -1;
    let value = 0;
    if (c === 48) i++;
    else if (c >= 49 && c <= 57) {
      while (i < end && (c = b[i]!) >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        i++;
      }
    } else return false;
    let simple = i - start - (negative ? 1 : 0) <= 15;
    if (i < end && b[i] === 46) {
      simple = false;
      const digits = ++i;
      while (i < end && (c = b[i]!) >= 48 && c <= 57) i++;
      if (i === digits) return false;
    }
    if (i < end && (b[i] === 101 || b[i] === 69)) {
      simple = false;
      i++;
      if (i < end && (b[i] === 43 || b[i] === 45)) i++;
      const digits = i;
      while (i < end && (c = b[i]!) >= 48 && c <= 57) i++;
      if (i === digits) return false;
    }
    this.#n = simple
      ? (negative ? -value : value)
      : Number(String.fromCharCode(...b.subarray(start, i)));
    this.#i = i;
    return true;
  }

  /** Any JSON value, checked and skipped. */
  #skip(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const c = this.#peek();
    if (c === 34) return this.#string();
    if (c === 116) return this.#literal("true");
    if (c === 102) return this.#literal("false");
    if (c === 110) return this.#literal("null");
    if (c === 45 || (c >= 48 && c <= 57)) return this.#number();
    if (c !== 123 && c !== 91) return false;
    const close = c === 123 ? 125 : 93;
    this.#i++;
    this.#ws();
    if (this.#peek() === close) {
      this.#i++;
      return true;
    }
    while (true) {
      if (close === 125) {
        if (this.#peek() !== 34 || !this.#string()) return false;
        this.#ws();
        if (this.#peek() !== 58) return false;
        this.#i++;
        this.#ws();
      }
      if (!this.#skip(depth + 1)) return false;
      this.#ws();
      const next = this.#peek();
      this.#i++;
      if (next === close) return true;
      if (next !== 44) return false;
      this.#ws();
    }
  }
}

/** {@linkcode readLeadingTimestamp} on bytes: the same answer for the same line. */
export function readLeadingTimestampBytes(
  b: Uint8Array,
  start: number,
  end: number,
): number | undefined {
  const prefix = LEADING;
  if (end - start < prefix.length) return undefined;
  for (let k = 0; k < prefix.length; k++) if (b[start + k] !== prefix[k]) return undefined;
  let value = 0;
  let i = start + prefix.length;
  const first = i;
  for (; i < end && i < first + 16; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  const next = i < end ? b[i] : -1;
  if (i === first || (next !== 44 && next !== 125)) return undefined;
  return value;
}

const LEADING = encode('{"timestamp_ms":');
