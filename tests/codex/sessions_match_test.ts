import assert from "node:assert/strict";
import { normalizeForMatch, rankSession } from "../../src/codex/session_match.ts";

Deno.test("normalizeForMatch() resolves dots and trailing slashes", () => {
  assert.equal(normalizeForMatch("/home/dev/app/./src/../", "posix"), "/home/dev/app");
  assert.equal(normalizeForMatch("/", "posix"), "/");
  assert.equal(normalizeForMatch("/Home/Dev", "posix"), "/Home/Dev");
});

Deno.test("normalizeForMatch() on Windows ignores case and slash direction", () => {
  assert.equal(normalizeForMatch("C:\\Users\\Dev\\App\\", "windows"), "c:/users/dev/app");
  assert.equal(normalizeForMatch("c:/users/dev/app/sub/..", "windows"), "c:/users/dev/app");
  assert.equal(normalizeForMatch("C:\\", "windows"), "c:/");
});

Deno.test("rankSession() orders same folder, subfolder, parent folder", () => {
  const project = "/home/dev/app";
  assert.equal(rankSession("/home/dev/app", project), 0);
  assert.equal(rankSession("/home/dev/app/packages/core", project), 1);
  assert.equal(rankSession("/home/dev", project), 2);
  assert.equal(rankSession("/", project), 2);
  assert.equal(rankSession("/home/dev/app2", project), undefined);
  assert.equal(rankSession("/home/dev/ap", project), undefined);
  assert.equal(rankSession("", project), undefined);
  assert.equal(rankSession("c:/users/dev/app", "c:/users/dev/app"), 0);
  assert.equal(rankSession("c:/users/dev/app/x", "c:/"), 1);
});
