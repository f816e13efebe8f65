/** Rollouts written by the real Codex 0.171.0: paginated, forked, legacy and zstd-compressed. */
import assert from "node:assert/strict";
import { findSessions } from "../../src/codex/sessions.ts";
import { readFirstPrompt, readMetaFromPath } from "../../src/codex/rollout_reader.ts";
import { copyFixtures0171 } from "./sessions_rollouts.ts";

Deno.test("findSessions() lists every Codex 0.171.0 rollout shape with its first prompt", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-0171-" });
  try {
    const paths = await copyFixtures0171(dir);
    const r = await findSessions(dir, { project: "/home/dev/my-app", limit: 0 });
    assert.equal(r.skippedFiles, 0);
    const byPath = new Map(r.sessions.map((s) => [s.path, s]));
    assert.equal(byPath.size, 4);
    for (const s of r.sessions) {
      assert.equal(s.modelProvider, "relay");
      assert.equal(s.cwd, "/home/dev/my-app");
      assert.equal(s.cliVersion, "0.171.0");
    }
    assert.equal(byPath.get(paths.paginated)?.prompt, "fix the failing parser test");
    // a fork starts with its parent's history
    assert.equal(byPath.get(paths.fork)?.prompt, "fix the failing parser test");
    assert.equal(byPath.get(paths.legacy)?.prompt, "explain the build script");
    assert.equal(byPath.get(paths.compressed)?.prompt, "rename the config loader");
    // the fork's own first prompt, and what the compressed head says
    assert.equal((await readFirstPrompt(paths.fork)).prompt, "now add a test for empty input");
    assert.equal(
      (await readFirstPrompt(paths.fork)).historyBase?.threadId,
      "01a24c34-f476-73a3-b6d5-17dd53d57965",
    );
    const head = await readMetaFromPath(paths.compressed);
    assert.equal(head.kind === "meta" && head.meta.id, "01a24c35-1539-7251-b2c7-860df4abe598");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
