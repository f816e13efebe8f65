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
