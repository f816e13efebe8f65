import assert from "node:assert/strict";
import { parseTomlText, TomlParseError } from "../../src/fs/toml_file.ts";

Deno.test("parseTomlText() parses a document, BOM included", () => {
  const doc = parseTomlText('\ufeffa = "b"\n[t]\nn = 1\n', "f.toml");
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), { a: "b", t: { n: 1 } });
});

Deno.test("parseTomlText() names the file, line and column of a syntax error", () => {
  assert.throws(() => parseTomlText('a = "b"\n\nc = = 1\n', "dir/config.toml"), (e: Error) => {
    assert.ok(e instanceof TomlParseError);
    assert.equal(e.line, 3);
    assert.match(e.message, /^Cannot parse "dir\/config\.toml": .+ at line 3, column \d+$/);
    assert.match(e.hint ?? "", /left untouched/);
    return true;
  });
});
