/** Decoding a file's bytes as UTF-8 without silently replacing what is not UTF-8. */
import { CliError } from "../errors.ts";

/** A file that is not UTF-8 text: editing it would change bytes the user never touched. */
export class NotUtf8Error extends CliError {
  readonly file: string;
  constructor(file: string, line: number, column: number) {
    super(`Cannot read "${file}": not UTF-8 text at line ${line}, column ${column}`, {
      hint: "save the file as UTF-8; it was left untouched",
    });
    this.name = "NotUtf8Error";
    this.file = file;
  }
}

// ignoreBOM keeps a leading BOM in the text, so a file written back keeps it too
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes `bytes` as UTF-8; throws {@linkcode NotUtf8Error} naming the line and column of the
 * first byte that is not UTF-8, so that nothing is rewritten with replacement characters.
 *
 * @example
 * ```ts
 * decodeUtf8Text(new TextEncoder().encode("a = 1\n"), "x.toml"); // "a = 1\n"
 * ```
 */
export function decodeUtf8Text(bytes: Uint8Array, file: string): string {
  try {
    return fatal.decode(bytes);
  } catch {
    // the valid prefix re-encodes to the same bytes; the first difference is the bad byte
    const reencoded = new TextEncoder().encode(new TextDecoder().decode(bytes));
    let offset = 0;
    while (offset < bytes.length && bytes[offset] === reencoded[offset]) offset++;
    const prefix = new TextDecoder().decode(bytes.subarray(0, offset));
    const lines = prefix.split("\n");
    throw new NotUtf8Error(file, lines.length, lines.at(-1)!.length + 1);
  }
}
