/**
 * Format-preserving edits of Claude Code's `settings.json` (JSONC): comments, indentation, key
 * order, line endings and a missing final newline are kept; only the touched keys change.
 */
import {
  applyEdits,
  findNodeAtLocation,
  type FormattingOptions,
  modify,
  type Node,
  parseTree,
} from "jsonc-parser";
import { CliError } from "../errors.ts";
import { isObject } from "../config/schema.ts";
import { offsetToLineColumn, parseJsonText } from "../fs/json_file.ts";

/** The parts of settings.json codex-helper reads. */
export interface ClaudeSettings {
  /** The whole document (an empty file reads as `{}`). */
  root: Record<string, unknown>;
  /** The `env` object, or `undefined` when there is none. */
  env: Record<string, unknown> | undefined;
}

/** settings.json parses but has a shape Claude Code would not accept either. */
export class ClaudeSettingsShapeError extends CliError {
  constructor(file: string, problem: string) {
    super(`Invalid "${file}": ${problem}`, {
      hint: "fix the file by hand; it was left untouched",
    });
    this.name = "ClaudeSettingsShapeError";
  }
}

const BOM = "\ufeff";

/**
 * Parses settings.json text; throws `JsonParseError` (file, line, column) or
 * {@linkcode ClaudeSettingsShapeError}. Empty or blank text is an empty object.
 */
export function parseClaudeSettings(text: string, file: string): ClaudeSettings {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  if (body.trim() === "") return { root: {}, env: undefined };
  const value = parseJsonText(body, file, { jsonc: true });
  if (!isObject(value)) throw new ClaudeSettingsShapeError(file, "the top level is not an object");
  const env = value.env;
  if (env !== undefined && !isObject(env)) throw envShapeError(body, file, env);
  return { root: value, env };
}

/**
 * `"env"` is not an object. Claude Code then loads nothing of the file ("Expected record, but
 * received null" for `"env": null`), so the message says so instead of reading `null` as absent.
 */
function envShapeError(body: string, file: string, env: unknown): ClaudeSettingsShapeError {
  const node = findNodeAtLocation(
    parseTree(body, [], { allowTrailingComma: true, disallowComments: false }) ?? EMPTY_NODE,
    ["env"],
  );
  const at = node === undefined ? "" : (() => {
    const { line, column } = offsetToLineColumn(body, node.offset);
    return ` at line ${line}, column ${column}`;
  })();
  const what = env === null ? "null" : Array.isArray(env) ? "an array" : `a ${typeof env}`;
  return new ClaudeSettingsShapeError(
    file,
    `"env" is ${what}, not an object${at}; Claude Code does not load such a file at all (none of its settings take effect); write "env": {} or delete the line`,
  );
}

const EMPTY_NODE: Node = { type: "object", offset: 0, length: 0 };

/**
 * True when the text is plain JSON. Claude Code ignores a settings.json with comments or trailing
 * commas as a whole, so such a file never takes effect.
 */
export function isStrictJson(text: string): boolean {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  if (body.trim() === "") return true;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/** Reads a string entry of the `env` block, or `undefined`. */
export function readSettingsEnv(settings: ClaudeSettings, key: string): string | undefined {
  const value = settings.env?.[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * Guesses the document's indentation and line ending, so inserted lines look like their neighbours.
 *
 * @example
 * ```ts
 * detectFormatting('{\r\n\t"a": 1\r\n}'); // { insertSpaces: false, tabSize: 1, eol: "\r\n" }
 * ```
 */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let spaces = 0;
  for (const line of text.split("\n")) {
    const indent = /^[ \t]+(?=\S)/.exec(line)?.[0];
    if (indent === undefined) continue;
    if (indent.startsWith("\t")) return { insertSpaces: false, tabSize: 1, eol };
    if (spaces === 0 || indent.length < spaces) spaces = indent.length;
  }
  return { insertSpaces: true, tabSize: spaces > 0 ? spaces : 2, eol };
}

/** The property nodes of `object` named `key`, in file order. */
function propertiesNamed(object: Node | undefined, key: string): Node[] {
  if (object?.type !== "object") return [];
  return (object.children ?? []).filter((p) => p.children?.[0]?.value === key);
}

/**
 * Refuses to edit a key written twice: the editor would change the first occurrence while Claude
 * Code reads the last, so the switch would report success and change nothing. Checks `env` and
 * the given keys of the `env` block; names both lines.
 */
function checkNoDuplicates(body: string, keys: readonly string[], file: string): void {
  const root = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  const line = (node: Node) => offsetToLineColumn(body, node.offset).line;
  const refuse = (what: string, nodes: Node[]): never => {
    const lines = nodes.map(line);
    throw new ClaudeSettingsShapeError(
      file,
      `${what} is written ${nodes.length} times, at lines ${lines.slice(0, -1).join(", ")} and ${
        lines.at(-1)
      } (Claude Code uses only the last one); delete the others`,
    );
  };
  const envs = propertiesNamed(root, "env");
  if (envs.length > 1) refuse(`"env"`, envs);
  for (const key of keys) {
    const found = propertiesNamed(envs[0]?.children?.[1], key);
    if (found.length > 1) refuse(`"env.${key}"`, found);
  }
}

/** Options of {@linkcode editSettingsEnv}. */
export interface EditSettingsEnvOptions {
  /** Named in parse errors. */
  file: string;
}

/**
 * Sets (string) or removes (`undefined`) entries of the `env` block, creating `env` when needed.
 * Refuses malformed text with the file, line and column.
 *
 * @example
 * ```ts
 * editSettingsEnv('{\n  // mine\n}\n', { ANTHROPIC_BASE_URL: "http://127.0.0.1:3210" }, { file: "s.json" });
 * ```
 */
export function editSettingsEnv(
  text: string,
  changes: Record<string, string | undefined>,
  options: EditSettingsEnvOptions,
): string {
  const bom = text.startsWith(BOM) ? BOM : "";
  let body = bom === "" ? text : text.slice(1);
  parseClaudeSettings(body, options.file);
  checkNoDuplicates(body, Object.keys(changes), options.file);
  const formattingOptions = detectFormatting(body);
  for (const [key, value] of Object.entries(changes)) {
    const current = parseClaudeSettings(body, options.file);
    if (value === undefined && current.env?.[key] === undefined) continue;
    if (value !== undefined && current.env?.[key] === value) continue;
    if (body.trim() === "") body = "";
    body = applyEdits(body, modify(body, ["env", key], value, { formattingOptions }));
  }
  return bom + body;
}

/** Removes the `env` key when its object is empty; any other text is returned unchanged. */
export function removeEmptySettingsEnv(text: string, options: EditSettingsEnvOptions): string {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = bom === "" ? text : text.slice(1);
  const { env } = parseClaudeSettings(body, options.file);
  if (env === undefined || Object.keys(env).length > 0) return text;
  checkNoDuplicates(body, [], options.file);
  const formattingOptions = detectFormatting(body);
  return bom + applyEdits(body, modify(body, ["env"], undefined, { formattingOptions }));
}

/** A new settings.json holding only `env`, as Claude Code writes it (2 spaces, final newline). */
export function formatNewSettings(env: Record<string, string>): string {
  return `${JSON.stringify({ env }, null, 2)}\n`;
}
