/**
 * Format-preserving edits of Codex's `config.toml` (text -> text): the root `model_provider` key
 * and the `model_providers.codex_proxy` provider, spliced by the source ranges of a TOML AST.
 * Every byte outside those spans is kept as it was.
 */
import { type AST, parseTOML } from "toml-eslint-parser";
import { parse as parseTomlValue, TomlError } from "smol-toml";
import { CliError } from "../errors.ts";

/** The provider id codex-helper owns in `config.toml`. */
export const PROXY_PROVIDER_ID = "codex_proxy";

/** Where a piece of the `codex_proxy` provider lives: its own table, root dotted keys, or `[model_providers]`. */
export type PieceContext = "table" | "root" | "model_providers";

/** One piece of the `codex_proxy` provider as written in the file (whole lines, no final line break). */
export interface TomlPiece {
  context: PieceContext;
  text: string;
}

/** A `config.toml` that does not parse, or that has a shape codex-helper cannot edit safely. */
export class CodexConfigError extends CliError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    file: string,
    reason: string,
    options: { line?: number; column?: number; cause?: unknown } = {},
  ) {
    const where = options.line === undefined
      ? ""
      : ` at line ${options.line}, column ${options.column}`;
    super(`Cannot parse "${file}": ${reason}${where}`, {
      hint: "fix the file by hand; it was left untouched",
      cause: options.cause,
    });
    this.name = "CodexConfigError";
    this.file = file;
    this.line = options.line;
    this.column = options.column;
  }
}

interface Span {
  start: number;
  end: number;
}

interface LocatedPiece extends Span {
  context: PieceContext;
}

/** What {@linkcode analyzeCodexConfig} finds in the text (offsets are into `body`, without BOM). */
export interface CodexConfigLayout {
  bom: boolean;
  body: string;
  eol: string;
  /** The parsed document. */
  value: Record<string, unknown>;
  modelProvider: { line: Span; value: Span; raw: string; current: unknown } | undefined;
  /** Where a new root key goes: after the last root key's line, else the start of the file. */
  rootEnd: number;
  /** Where a new key of `[model_providers]` goes, when that table exists. */
  providersTableEnd: number | undefined;
  pieces: LocatedPiece[];
  /**
   * Where `model_providers = { ... }` is written as one inline table (Codex reads it; switch-on
   * cannot add a provider to it), else undefined.
   */
  inlineProviders: { line: number; column: number } | undefined;
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => k.type === "TOMLBare" ? k.name : k.value);
}

function endOfLineContent(text: string, i: number): number {
  let j = i;
  while (j < text.length && (text[j] === " " || text[j] === "\t")) j++;
  if (text[j] === "#") {
    while (j < text.length && text[j] !== "\n" && text[j] !== "\r") j++;
    return j;
  }
  return i;
}

function lineStart(text: string, i: number): number {
  return text.lastIndexOf("\n", i - 1) + 1;
}

function afterEol(text: string, i: number): number {
  if (text.startsWith("\r\n", i)) return i + 2;
  if (text[i] === "\n") return i + 1;
  return i;
}

function nodeSpan(text: string, node: { range: [number, number] }): Span {
  return { start: lineStart(text, node.range[0]), end: endOfLineContent(text, node.range[1]) };
}

/** Adds a piece; merges it into the previous one when both are of one form on adjacent lines. */
function addPiece(layout: CodexConfigLayout, piece: LocatedPiece): void {
  const last = layout.pieces.at(-1);
  const between = last === undefined ? undefined : layout.body.slice(last.end, piece.start);
  if (
    last !== undefined && last.context === piece.context && (between === "\n" || between === "\r\n")
  ) {
    last.end = piece.end;
  } else {
    layout.pieces.push(piece);
  }
}

/** Parses with smol-toml (for its error positions) and the AST; throws {@linkcode CodexConfigError}. */
export function analyzeCodexConfig(text: string, file: string): CodexConfigLayout {
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  let value: Record<string, unknown>;
  let program: AST.TOMLProgram;
  try {
    value = parseTomlValue(body) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      throw new CodexConfigError(file, reason, {
        line: error.line,
        column: error.column,
        cause: error,
      });
    }
    throw error;
  }
  try {
    program = parseTOML(body);
  } catch (error) {
    const e = error as { message?: string; lineNumber?: number; column?: number };
    throw new CodexConfigError(file, e.message ?? String(error), {
      ...(e.lineNumber === undefined ? {} : { line: e.lineNumber, column: (e.column ?? 0) + 1 }),
      cause: error,
    });
  }
  const eol = /\r\n/.test(body) ? "\r\n" : "\n";
  const top = program.body[0];
  const layout: CodexConfigLayout = {
    bom,
    body,
    eol,
    value,
    modelProvider: undefined,
    rootEnd: 0,
    providersTableEnd: undefined,
    pieces: [],
    inlineProviders: undefined,
  };
  const unsupported = (node: { loc: AST.SourceLocation }, reason: string): never => {
    throw new CodexConfigError(file, reason, {
      line: node.loc.start.line,
      column: node.loc.start.column + 1,
    });
  };
  for (const node of top?.body ?? []) {
    if (node.type === "TOMLKeyValue") {
      const keys = keyNames(node.key);
      layout.rootEnd = afterEol(body, nodeSpan(body, node).end);
      if (keys.length === 1 && keys[0] === "model_provider") {
        layout.modelProvider = {
          line: nodeSpan(body, node),
          value: { start: node.value.range[0], end: node.value.range[1] },
          raw: body.slice(node.value.range[0], node.value.range[1]),
          current: value.model_provider,
        };
      } else if (keys[0] === "model_providers") {
        if (keys.length === 1) {
          // valid TOML that Codex reads: only an edit that adds a provider must refuse it
          layout.inlineProviders = {
            line: node.loc.start.line,
            column: node.loc.start.column + 1,
          };
        }
        if (keys[1] === PROXY_PROVIDER_ID) {
          addPiece(layout, { context: "root", ...nodeSpan(body, node) });
        }
      }
      continue;
    }
    const rk = node.resolvedKey;
    if (rk[0] !== "model_providers") continue;
    if (node.kind === "array") {
      unsupported(node, `"[[model_providers]]" is not a table of providers`);
    }
    if (rk.length === 1) {
      layout.providersTableEnd = afterEol(body, nodeSpan(body, node).end);
      for (const kv of node.body) {
        if (keyNames(kv.key)[0] === PROXY_PROVIDER_ID) {
          addPiece(layout, { context: "model_providers", ...nodeSpan(body, kv) });
        }
      }
    } else if (rk[1] === PROXY_PROVIDER_ID) {
      addPiece(layout, { context: "table", ...nodeSpan(body, node) });
    }
  }
  return layout;
}

/** A text edit: replace `[start, end)` with `insert`. */
export interface Edit extends Span {
  insert: string;
}

/** Applies non-overlapping edits (stable for equal starts). */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
  let out = "";
  let at = 0;
  for (const { e } of sorted) {
    out += text.slice(at, e.start) + e.insert;
    at = Math.max(at, e.end);
  }
  return out + text.slice(at);
}

/** The edit that removes whole lines `span` (with their line break, or the one before at the end). */
export function removeLinesEdit(text: string, span: Span): Edit {
  const end = afterEol(text, span.end);
  if (end > span.end || span.start === 0) return { start: span.start, end, insert: "" };
  let start = span.start;
  if (text.slice(0, start).endsWith("\r\n")) start -= 2;
  else if (text.slice(0, start).endsWith("\n")) start -= 1;
  return { start, end, insert: "" };
}

/** The edit that inserts one line at `at` (a line start or the end of the text). */
export function insertLineEdit(text: string, at: number, line: string, eol: string): Edit {
  if (at === text.length && at > 0 && !text.endsWith("\n")) {
    return { start: at, end: at, insert: eol + line };
  }
  return { start: at, end: at, insert: line + eol };
}

/** Re-adds the BOM. */
export function withBom(layout: { bom: boolean }, body: string): string {
  return layout.bom ? `\uFEFF${body}` : body;
}

/** Parses and checks `text` still parses; internal guard before any write. */
export function parseOrThrow(text: string, file: string): Record<string, unknown> {
  return analyzeCodexConfig(text, file).value;
}
