/** Text that would move or recolour a terminal, and what `escapeControl()` makes of it. */
import assert from "node:assert/strict";

/** A terminal escape (clear screen), a bell, a C1 CSI and a bidi override. */
export const HOSTILE = "x\u001b[2J\u0007\u009b\u202eY";
/** {@linkcode HOSTILE} as it shows after escaping. */
export const ESCAPED = "x\\x1b[2J\\x07\\x9b\\u202eY";

/** No control character but the line breaks between lines. */
export function assertNoControl(text: string, what: string): void {
  assert.doesNotMatch(text, /[\p{Cc}\u202a-\u202e\u2066-\u2069](?<!\n)/u, what);
}
