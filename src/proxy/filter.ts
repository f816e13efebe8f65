/**
 * `filter.json`: literal byte replacements and removals applied to request bodies before they
 * leave the machine. The file is re-read when its mtime changes (checked at most every ~500 ms);
 * a malformed file keeps the last good rules and warns once.
 */
import { Buffer } from "node:buffer";
import { CliError } from "../errors.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { describeJsonLocation } from "../fs/json_location.ts";
import { readFileStamp } from "../fs/file_stamp.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";

/** One rule, as written in filter.json. */
export type FilterRule =
  | { op: "replace"; source: string; target: string }
  | { op: "remove"; source: string };

interface CompiledRule {
  source: Buffer;
  target: Buffer;
}

/** filter.json holds something other than a list of rules. */
export class FilterRulesError extends CliError {
  constructor(file: string, problem: string, where: string) {
    super(`Invalid "${file}": ${problem}${where}`, {
      hint: "fix the file by hand; it was left untouched and the proxy keeps the last good rules",
    });
    this.name = "FilterRulesError";
  }
}

/** Parses filter.json text; errors name the file, the rule, line and column. */
export function parseFilterRules(text: string, file: string): FilterRule[] {
  const value = parseJsonText(text, file);
  const fail = (path: (string | number)[], problem: string): never => {
    throw new FilterRulesError(file, problem, describeJsonLocation(text, path));
  };
  if (!Array.isArray(value)) return fail([], "expected an array of rules");
  return value.map((rule: unknown, i): FilterRule => {
    const at = `rule ${i + 1}`;
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
      return fail([i], `${at}: not an object`);
    }
    const r = rule as Record<string, unknown>;
    if (typeof r.source !== "string" || r.source === "") {
      return fail([i, "source"], `${at}: "source" must be a non-empty string`);
    }
    if (r.op === "remove") return { op: "remove", source: r.source };
    if (r.op === "replace") {
      if (typeof r.target !== "string") {
        return fail([i, "target"], `${at}: "target" must be a string`);
      }
      return { op: "replace", source: r.source, target: r.target };
    }
    return fail([i, "op"], `${at}: "op" must be "replace" or "remove"`);
  });
}

/**
 * Start-up check of filter.json: a missing file is no rules; one that cannot be read or has one
 * invalid rule throws (file, line, column), so the proxy never starts without the user's rules.
 */
export async function requireValidFilterFile(path: string): Promise<void> {
  try {
    const text = await readTextIfExists(path);
    if (text !== undefined) parseFilterRules(text, path);
  } catch (error) {
    const failure = toFileAccessError(error, path);
    if (!(failure instanceof CliError)) throw failure;
    throw new CliError(failure.message, {
      hint: "fix the file (or move it away to run without rules) and start again; " +
        "codex-helper does not start without the redaction rules you wrote",
      cause: error,
    });
  }
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
  /** True when filter.json has rules now (a compressed body must then be decoded first). */
  hasRules(): Promise<boolean>;
}

/** A filter backed by `path` (a missing file means no rules). */
export function createRequestFilter(
  path: string,
  options: RequestFilterOptions = {},
): RequestFilter {
  const interval = options.checkIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  let rules: CompiledRule[] = [];
  let stamp: string | undefined;
  let lastCheck = -Infinity;
  let lastWarning = "";

  const warnOnce = (message: string): void => {
    if (message === lastWarning) return;
    lastWarning = message;
    options.warn?.(message);
  };

  const refresh = async (): Promise<void> => {
    const next = await readFileStamp(path);
    if (next === stamp) return;
    stamp = next;
    if (next === "missing") {
      if (await isLink(path)) {
        // a link whose target is gone is a broken file, not a removed one
        warnOnce(
          `"${path}" links to a file that does not exist; keeping the previous filter rules`,
        );
        stamp = undefined;
        return;
      }
      if (rules.length > 0) {
        options.warn?.(`"${path}" was removed: requests are no longer filtered`);
      }
      rules = [];
      lastWarning = "";
      return;
    }
    try {
      rules = compile(parseFilterRules(await Deno.readTextFile(path), path));
      lastWarning = "";
    } catch (error) {
      const failure = toFileAccessError(error, path);
      const message = failure instanceof Error ? failure.message : String(failure);
      warnOnce(`${message}; keeping the previous filter rules`);
    }
  };

  const refreshIfDue = async (): Promise<void> => {
    const t = now();
    if (t - lastCheck >= interval) {
      lastCheck = t;
      await refresh().catch((error) => options.warn?.(String(error)));
    }
  };

  return {
    async apply(body) {
      await refreshIfDue();
      return applyCompiled(body, rules);
    },
    async hasRules() {
      await refreshIfDue();
      return rules.length > 0;
    },
  };
}

async function isLink(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSymlink;
  } catch {
    return false;
  }
}
