import assert from "node:assert/strict";
import { detectLineEnding, withLineEnding } from "../../src/fs/line_endings.ts";

Deno.test("detectLineEnding() finds the line ending a file mostly uses", async (t) => {
  const cases: [string, string, string][] = [
    ["CRLF file", "a = 1\r\nb = 2\r\n", "\r\n"],
    ["LF file", "a = 1\nb = 2\n", "\n"],
    ["no line break", "a = 1", "\n"],
    ["mostly CRLF", "a\r\nb\r\nc\n", "\r\n"],
    ["a tie", "a\r\nb\n", "\n"],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => assert.equal(detectLineEnding(text), expected));
  }
});

Deno.test("withLineEnding() rewrites every line break, and round-trips a CRLF file", () => {
  assert.equal(withLineEnding("a\nb\r\nc", "\r\n"), "a\r\nb\r\nc");
  assert.equal(withLineEnding("a\r\nb\r\n", "\n"), "a\nb\n");
  const original = '[model]\r\nname = "x"\r\n';
  const edited = withLineEnding(withLineEnding(original, "\n") + "extra = 1\n", "\r\n");
  assert.equal(edited, '[model]\r\nname = "x"\r\nextra = 1\r\n');
});
