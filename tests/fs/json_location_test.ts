import assert from "node:assert/strict";
import { describeJsonLocation, locateJsonPath } from "../../src/fs/json_location.ts";

Deno.test("locateJsonPath() finds a value, or its nearest enclosing value when missing", () => {
  const text = '{\n  "a": [1, {"b": 2}]\n}';
  assert.deepEqual(locateJsonPath(text, ["a", 1, "b"]), { line: 2, column: 18 });
  assert.deepEqual(locateJsonPath(text, ["a", 1, "missing"]), { line: 2, column: 12 });
  assert.deepEqual(locateJsonPath(`\ufeff${text}`, ["a"]), { line: 2, column: 8 });
  assert.equal(describeJsonLocation(text, []), " at line 1, column 1");
});
