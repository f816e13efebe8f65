/** Keeping a user's line endings (CRLF files from Windows editors) when a file is rewritten. */

/** A line ending. */
export type LineEnding = "\r\n" | "\n";

/**
 * The line ending `text` mostly uses; `"\n"` when it has no line break or as many LF as CRLF.
 *
 * @example
 * ```ts
 * detectLineEnding("a = 1\r\nb = 2\r\n"); // "\r\n"
 * ```
 */
export function detectLineEnding(text: string): LineEnding {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

/**
 * Rewrites every line break of `text` as `ending`.
 *
 * @example
 * ```ts
 * withLineEnding("a\nb\r\n", "\r\n"); // "a\r\nb\r\n"
 * ```
 */
export function withLineEnding(text: string, ending: LineEnding): string {
  return text.replace(/\r?\n/g, ending);
}
