import assert from "node:assert/strict";
import { readSwitchedPort } from "../../src/run/switched_port.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("readSwitchedPort(): the port config.toml's codex_proxy points at, when selected", async (t) => {
  await using home = await createTempHome();
  await t.step("no file", async () => {
    assert.equal(await readSwitchedPort(home.paths, "codex"), undefined);
  });
  await t.step("switched on", async () => {
    await home.write(
      ".codex/config.toml",
      'model_provider = "codex_proxy"\n[model_providers.codex_proxy]\nbase_url = "http://127.0.0.1:4000"\n',
    );
    assert.equal(await readSwitchedPort(home.paths, "codex"), 4000);
  });
  await t.step("the table without being selected", async () => {
    await home.write(
      ".codex/config.toml",
      'model_provider = "relay"\n[model_providers.codex_proxy]\nbase_url = "http://127.0.0.1:4000"\n',
    );
    assert.equal(await readSwitchedPort(home.paths, "codex"), undefined);
  });
  await t.step("a broken file counts as not switched", async () => {
    await home.write(".codex/config.toml", "model_provider = \n");
    assert.equal(await readSwitchedPort(home.paths, "codex"), undefined);
  });
});

Deno.test("readSwitchedPort(): settings.json's loopback ANTHROPIC_BASE_URL for Claude Code", async () => {
  await using home = await createTempHome();
  await home.write(
    ".claude/settings.json",
    '{"env":{"ANTHROPIC_BASE_URL":"http://127.0.0.1:3299"}}',
  );
  assert.equal(await readSwitchedPort(home.paths, "claude"), 3299);
  await home.write(
    ".claude/settings.json",
    '{"env":{"ANTHROPIC_BASE_URL":"https://relay.example"}}',
  );
  assert.equal(await readSwitchedPort(home.paths, "claude"), undefined);
});
