/** Parsing TOML text with errors that name the file, line and column. */
import { parse, TomlError } from "smol-toml";
import { CliError } from "../errors.ts";

/** A TOML file that does not parse. */
export class TomlParseError extends CliError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  constructor(file: string, line: number, column: number, reason: string, cause?: unknown) {
    super(`Cannot parse "${file}": ${reason} at line ${line}, column ${column}`, {
      hint: "fix the file by hand; it was left untouched",
      cause,
    });
    this.name = "TomlParseError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/**
 * Parses TOML text; throws {@linkcode TomlParseError} naming `file`, line and column.
 *
 * @example
 * ```ts
 * parseTomlText('model_provider = "openai"', "config.toml"); // { model_provider: "openai" }
 * ```
 */
export function parseTomlText(text: string, file: string): Record<string, unknown> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return parse(body) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const first = error.message.split("\n")[0] ?? "";
    const reason = first.replace(/^Invalid TOML document:\s*/, "") || "invalid TOML";
    throw new TomlParseError(file, error.line, error.column, reason, error);
  }
}
