import assert from "node:assert/strict";
import { claudeRunOverrides, RUN_PLACEHOLDER_TOKEN } from "../../src/run/claude_overrides.ts";
import { needsPlaceholderToken } from "../../src/run/claude_credential.ts";
import { UsageError } from "../../src/errors.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("claudeRunOverrides() sets the URL through --settings and the environment", () => {
  const url = "http://127.0.0.1:4321";
  assert.deepEqual(claudeRunOverrides(url, ["-p", "hi"], { placeholderToken: false }), {
    args: ["--settings", JSON.stringify({ env: { ANTHROPIC_BASE_URL: url } })],
    env: { ANTHROPIC_BASE_URL: url },
  });
  const withToken = claudeRunOverrides(url, [], { placeholderToken: true });
  assert.deepEqual(JSON.parse(withToken.args[1]!).env, {
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_AUTH_TOKEN: RUN_PLACEHOLDER_TOKEN,
  });
  assert.equal(withToken.env.ANTHROPIC_AUTH_TOKEN, RUN_PLACEHOLDER_TOKEN);
});

Deno.test("claudeRunOverrides() refuses the user's own --settings, but not after --", () => {
  for (const args of [["--settings", "x.json"], ["-p", "hi", "--settings={}"]]) {
    assert.throws(
      () => claudeRunOverrides("http://127.0.0.1:1", args, { placeholderToken: false }),
      UsageError,
    );
  }
  claudeRunOverrides("http://127.0.0.1:1", ["-p", "--", "--settings"], { placeholderToken: false });
});

Deno.test("needsPlaceholderToken() only when Claude Code has no credential at all", async (t) => {
  await using home = await createTempHome();
  const warnings: string[] = [];
  const check = (env: Record<string, string> = {}) =>
    needsPlaceholderToken(home.paths, { env: (k) => env[k], warn: (m) => warnings.push(m) });
  await t.step("nothing", async () => assert.equal(await check(), true));
  await t.step("a key in the environment", async () => {
    assert.equal(await check({ ANTHROPIC_API_KEY: "sk-ant-x" }), false);
  });
  await t.step("a token in settings.json", async () => {
    await home.write(".claude/settings.json", '{"env":{"ANTHROPIC_AUTH_TOKEN":"t"}}');
    assert.equal(await check(), false);
  });
  await t.step("a broken settings.json warns and counts as none", async () => {
    await home.write(".claude/settings.json", "{ not json");
    assert.equal(await check(), true);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /settings\.json/);
  });
  await t.step("a claude.ai login", async () => {
    await home.write(".claude/settings.json", "{}");
    await home.write(".claude/.credentials.json", "{}");
    assert.equal(await check(), false);
  });
});
