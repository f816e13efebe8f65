import assert from "node:assert/strict";
import { escapeControl } from "../../src/text/escape_control.ts";

Deno.test("escapeControl() escapes terminal controls and bidi overrides, keeps printable text", async (t) => {
  const cases: [string, string][] = [
    ["plain text, 中文, emoji 🎉", "plain text, 中文, emoji 🎉"],
    ["a\x1b[2Jb", "a\\x1b[2Jb"],
    ["x\x1b]0;title\x07y", "x\\x1b]0;title\\x07y"],
    ["line\nnext\r\tend", "line\\nnext\\r\\tend"],
    ["del\x7f c1\x9b", "del\\x7f c1\\x9b"],
    ["rtl\u202eevil", "rtl\\u202eevil"],
  ];
  for (const [input, want] of cases) {
    await t.step(JSON.stringify(input), () => assert.equal(escapeControl(input), want));
  }
});
