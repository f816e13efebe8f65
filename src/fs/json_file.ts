/** Parsing JSON text with errors that name the file, line and column. */
import { parse, type ParseError, printParseErrorCode } from "jsonc-parser";
import { CliError } from "../errors.ts";

/** A JSON file that does not parse. */
export class JsonParseError extends CliError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  constructor(file: string, line: number, column: number, reason: string) {
    super(`Cannot parse "${file}": ${reason} at line ${line}, column ${column}`, {
      hint: `fix the file by hand; it was left untouched`,
    });
    this.name = "JsonParseError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** Converts a 0-based offset into a 1-based line and column. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Deeper nesting than this is refused: no file of ours needs it, and parsers recurse per level. */
export const MAX_JSON_DEPTH = 512;

/**
 * The offset of the first `[` or `{` nested deeper than `max` (strings and comments skipped), or
 * undefined.
 */
export function findTooDeep(text: string, max: number = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) i++;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) { // line comment
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) { // block comment
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

/** Throws {@linkcode JsonParseError} when `body` nests deeper than {@linkcode MAX_JSON_DEPTH}. */
export function checkJsonDepth(body: string, file: string): void {
  const at = findTooDeep(body);
  if (at === undefined) return;
  const { line, column } = offsetToLineColumn(body, at);
  throw new JsonParseError(
    file,
    line,
    column,
    `nested deeper than ${MAX_JSON_DEPTH} levels (arrays and objects)`,
  );
}

/** Options of {@linkcode parseJsonText}. */
export interface ParseJsonTextOptions {
  /** Accept comments and trailing commas (JSONC, as in Claude's settings.json). */
  jsonc?: boolean;
}

/**
 * Parses JSON (or JSONC) text; throws {@linkcode JsonParseError} naming `file`, line and column.
 *
 * @example
 * ```ts
 * parseJsonText('{"a": 1}', "x.json"); // { a: 1 }
 * ```
 */
export function parseJsonText(
  text: string,
  file: string,
  options: ParseJsonTextOptions = {},
): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkJsonDepth(body, file);
  if (!options.jsonc) {
    try {
      return JSON.parse(body);
    } catch {
      // fall through to locate the error
    }
  }
  const errors: ParseError[] = [];
  const value = parse(body, errors, {
    disallowComments: !options.jsonc,
    allowTrailingComma: options.jsonc ?? false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined) {
    const { line, column } = offsetToLineColumn(body, first.offset);
    throw new JsonParseError(file, line, column, describe(printParseErrorCode(first.error)));
  }
  return value;
}

function describe(code: string): string {
  // "CommaExpected" -> "comma expected"
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
