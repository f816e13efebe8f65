import assert from "node:assert/strict";
import { parseResumedId } from "../../src/run/resumed_session.ts";

const ID = "01a24c23-1b47-73d3-aa95-505f46ba4e52";

Deno.test("parseResumedId() finds the UUID after resume, in codex and codex exec forms", () => {
  assert.equal(parseResumedId(["resume", ID]), ID);
  assert.equal(parseResumedId(["exec", "--skip-git-repo-check", "resume", ID, "go on"]), ID);
  assert.equal(parseResumedId(["resume", "-c", "x=1", ID]), ID);
  assert.equal(parseResumedId(["resume", "--last"]), undefined);
  assert.equal(parseResumedId(["resume", "my-thread-name"]), undefined);
  assert.equal(parseResumedId(["exec", "say", ID]), undefined);
  assert.equal(parseResumedId(["exec", "--", "resume", ID]), undefined);
});
