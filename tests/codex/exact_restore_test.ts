import assert from "node:assert/strict";
import { applySplice, diffSplice } from "../../src/codex/exact_restore.ts";

Deno.test("diffSplice() finds the smallest splice and applySplice() replays it", async (t) => {
  const cases: [string, string, string][] = [
    ["equal", "a = 1\n", "a = 1\n"],
    ["a blank line added", "a = 1\nb = 2\n", "a = 1\n\nb = 2\n"],
    ["lines regrouped", "x.a = 1\ny = 2\nx.b = 3\n", "x.a = 1\nx.b = 3\ny = 2\n"],
    ["from empty", "", 'model = "o3"\n'],
    ["to empty", 'model = "o3"\n', ""],
    ["repeated characters", "aaa", "aaaa"],
  ];
  for (const [name, from, to] of cases) {
    await t.step(name, () => {
      const splice = diffSplice(from, to);
      assert.equal(applySplice(from, splice), to);
      if (from === to) assert.equal(splice, null);
      else assert.ok(splice!.insert.length <= to.length);
    });
  }
  assert.deepEqual(diffSplice("a = 1\nb = 2\n", "a = 1\n\nb = 2\n"), {
    start: 6,
    end: 6,
    insert: "\n",
  });
});
