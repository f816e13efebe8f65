/** Makes text read from files and arguments safe to print on a terminal. */

/** Control characters (C0, DEL, C1) and the bidirectional overrides that reorder what a terminal shows. */
const UNSAFE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Escapes every control character and bidi override, so text from a file can neither move the
 * cursor, recolour the terminal nor hide what follows it. Printable text is returned unchanged.
 *
 * @example
 * ```ts
 * escapeControl("a\x1b[2Jb"); // "a\\x1b[2Jb"
 * escapeControl("line\nnext"); // "line\\nnext"
 * ```
 */
export function escapeControl(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, escapeOne);
}

function escapeOne(char: string): string {
  switch (char) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
  }
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
