import assert from "node:assert/strict";
import { createTempHome } from "../_fakes/temp_home.ts";
import { runCli } from "../_fakes/run_cli.ts";

Deno.test("config import-from-claude imports the env block and never prints the key", async () => {
  await using home = await createTempHome();
  await home.write(
    ".claude/settings.json",
    JSON.stringify({
      env: {
        ANTHROPIC_BASE_URL: "https://relay.example.com/anthropic",
        ANTHROPIC_AUTH_TOKEN: "sk-ant-test-secret-9876",
      },
    }),
  );
  const run = await runCli(["config", "import-from-claude"], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Imported from ".*settings\.json": example \(active\)/);
  assert.doesNotMatch(run.stdout + run.stderr, /secret-9876/);
  const list = await runCli(["config", "list", "--claude", "--json"], { env: home.env });
  assert.equal(list.code, 0, list.stderr);
  assert.doesNotMatch(list.stdout, /secret-9876/);
  const config = JSON.parse(await Deno.readTextFile(home.paths.configJson));
  assert.equal(config.claude.active, "example");
  assert.equal(
    config.claude.configs.example.upstreams[0].base_url,
    "https://relay.example.com/anthropic",
  );
});

Deno.test("config import-from-claude without any credential fails with the fix", async () => {
  await using home = await createTempHome();
  await home.write(".claude/settings.json", "{}\n");
  const run = await runCli(["config", "import-from-claude"], { env: home.env });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: .*; .*ANTHROPIC/m);
  assert.equal(run.stderr.trim().split("\n").length, 1);
});

Deno.test("config import-from-claude without settings.json names the file it looked for", async () => {
  await using home = await createTempHome();
  const run = await runCli(["config", "import-from-claude"], { env: home.env });
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(
    lines[0]!.startsWith(
      `error: Nothing could be imported from the environment ("${home.paths.claudeSettings}" ` +
        `does not exist); no ANTHROPIC_AUTH_TOKEN`,
    ),
    lines[0],
  );
  const fromEnv = await runCli(["config", "import-from-claude"], {
    env: { ...home.env, ANTHROPIC_AUTH_TOKEN: "sk-ant-test-secret-4321" },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.match(fromEnv.stdout, /^Imported from the environment \(".*" does not exist\): anthropic/);
  assert.doesNotMatch(fromEnv.stdout + fromEnv.stderr, /secret-4321/);
});
