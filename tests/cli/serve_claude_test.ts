import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("serve --claude without a key anywhere names the variables and the fix", async () => {
  await using home = await createTempHome();
  const r = await runCli(["serve", "--claude", "--port", "0"], { env: home.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Cannot start: the claude config "anthropic" has no token/);
  assert.match(r.stderr, /ANTHROPIC_AUTH_TOKEN or ANTHROPIC_API_KEY/);
  assert.match(r.stderr, /config add --claude/);
});

Deno.test("serve --help shows --claude, its default port and an example", async () => {
  await using home = await createTempHome();
  const r = await runCli(["serve", "--help"], { env: home.env });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--claude\s+proxy Claude Code[^-]*default\s+port 3210/);
  assert.match(r.stdout, /codex-helper serve --claude/);
});
