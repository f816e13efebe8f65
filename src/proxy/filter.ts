/**
 * `filter.json`: literal byte replacements and removals applied to request bodies before they
 * leave the machine. The file is re-read when its mtime changes (checked at most every ~500 ms);
 * a malformed file keeps the last good rules and warns once.
 */
import { Buffer } from "node:buffer";
import { parseJsonText } from "../fs/json_file.ts";

/** One rule, as written in filter.json. */
export type FilterRule =
  | { op: "replace"; source: string; target: string }
  | { op: "remove"; source: string };

interface CompiledRule {
  source: Buffer;
  target: Buffer;
}

/** Parses filter.json text; throws with the file and the failing rule. */
export function parseFilterRules(text: string, file: string): FilterRule[] {
  const value = parseJsonText(text, file);
  if (!Array.isArray(value)) throw new Error(`Invalid "${file}": expected an array of rules`);
  return value.map((rule, i) => {
    const r = rule as Record<string, unknown>;
    const at = `Invalid "${file}": rule ${i + 1}`;
    if (typeof r !== "object" || r === null) throw new Error(`${at}: not an object`);
    if (typeof r.source !== "string" || r.source === "") {
      throw new Error(`${at}: "source" must be a non-empty string`);
    }
    if (r.op === "remove") return { op: "remove", source: r.source };
    if (r.op === "replace") {
      if (typeof r.target !== "string") throw new Error(`${at}: "target" must be a string`);
      return { op: "replace", source: r.source, target: r.target };
    }
    throw new Error(`${at}: "op" must be "replace" or "remove"`);
  });
}

function compile(rules: FilterRule[]): CompiledRule[] {
  return rules.map((r) => ({
    source: Buffer.from(r.source, "utf8"),
    target: Buffer.from(r.op === "replace" ? r.target : "", "utf8"),
  }));
}

function applyRule(body: Buffer, rule: CompiledRule): Buffer {
  let at = body.indexOf(rule.source);
  if (at === -1) return body;
  const parts: Buffer[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(body.subarray(from, at), rule.target);
    from = at + rule.source.length;
    at = body.indexOf(rule.source, from);
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

/** Applies the rules in order to a body; returns the same bytes when nothing matched. */
export function applyFilterRules(body: Uint8Array, rules: FilterRule[]): Uint8Array {
  return applyCompiled(body, compile(rules));
}

function applyCompiled(body: Uint8Array, rules: CompiledRule[]): Uint8Array {
  if (rules.length === 0 || body.length === 0) return body;
  const original = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let buf = original;
  for (const rule of rules) buf = applyRule(buf, rule);
  return buf === original ? body : buf;
}

/** Options of {@linkcode createRequestFilter}. */
export interface RequestFilterOptions {
  /** How often the file's mtime may be checked. */
  checkIntervalMs?: number;
  now?: () => number;
  /** Told once per distinct problem with the file. */
  warn?: (message: string) => void;
}

/** The live filter: `apply(body)` uses the current rules of filter.json. */
export interface RequestFilter {
  apply(body: Uint8Array): Promise<Uint8Array>;
}

/** A filter backed by `path` (a missing file means no rules). */
export function createRequestFilter(
  path: string,
  options: RequestFilterOptions = {},
): RequestFilter {
  const interval = options.checkIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  let rules: CompiledRule[] = [];
  let mtime: number | null | undefined;
  let lastCheck = -Infinity;
  let lastWarning = "";

  const refresh = async (): Promise<void> => {
    let stat: Deno.FileInfo | undefined;
    try {
      stat = await Deno.stat(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const next = stat ? (stat.mtime?.getTime() ?? 0) + stat.size / 1e9 : null;
    if (next === mtime) return;
    mtime = next;
    if (stat === undefined) {
      rules = [];
      return;
    }
    try {
      rules = compile(parseFilterRules(await Deno.readTextFile(path), path));
      lastWarning = "";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastWarning) {
        lastWarning = message;
        options.warn?.(`${message}; keeping the previous filter rules`);
      }
    }
  };

  return {
    async apply(body) {
      const t = now();
      if (t - lastCheck >= interval) {
        lastCheck = t;
        await refresh().catch((error) => options.warn?.(String(error)));
      }
      return applyCompiled(body, rules);
    },
  };
}
