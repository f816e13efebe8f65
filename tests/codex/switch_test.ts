import assert from "node:assert/strict";
import { createTempHome, exists } from "../_fakes/temp_home.ts";
import { read, writeConfig } from "./switch_fixture.ts";
import { CodexConfigError } from "../../src/codex/config_toml.ts";
import { switchOff, switchOn } from "../../src/codex/switch.ts";
import { readSwitchState } from "../../src/codex/switch_state.ts";
import { CORPUS } from "./config_corpus.ts";

Deno.test("switchOn() then switchOff() gives back every corpus file byte for byte", async (t) => {
  for (const entry of CORPUS) {
    await t.step(entry.name, async () => {
      await using home = await createTempHome();
      await writeConfig(home, entry.text);
      const on = await switchOn(home.paths, { port: 3211 });
      assert.equal(on.status, "switched");
      assert.equal(on.backupPath, home.paths.codexConfigBackup);
      assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), entry.text);
      assert.match(await read(home), /model_provider = "codex_proxy"/);
      const state = await readSwitchState(home.paths.codexSwitchState);
      assert.equal(state?.port, 3211);
      const off = await switchOff(home.paths);
      assert.equal(off.status, "restored");
      assert.equal(await read(home), entry.text);
      assert.equal(await exists(home.paths.codexSwitchState), false);
    });
  }
});

Deno.test("switchOff() keeps edits made after switchOn()", async (t) => {
  for (const entry of CORPUS.filter((e) => !e.regroups && !e.text.startsWith("\uFEFF"))) {
    await t.step(entry.name, async () => {
      await using home = await createTempHome();
      await writeConfig(home, entry.text);
      await switchOn(home.paths, { port: 3211 });
      const eol = entry.text.includes("\r\n") ? "\r\n" : "\n";
      await Deno.writeTextFile(
        home.paths.codexConfigToml,
        `# added by hand${eol}` + await read(home),
      );
      await switchOff(home.paths);
      assert.equal(await read(home), `# added by hand${eol}` + entry.text);
    });
  }
});

Deno.test("switchOn() refuses a malformed config.toml and writes nothing", async () => {
  await using home = await createTempHome();
  const text = `model = "o3"\nmodel_provider = \n[features]\n`;
  await writeConfig(home, text);
  const before = await Deno.stat(home.paths.codexConfigToml);
  await assert.rejects(() => switchOn(home.paths, { port: 3211 }), (error: unknown) => {
    assert.ok(error instanceof CodexConfigError);
    assert.equal(error.file, home.paths.codexConfigToml);
    assert.equal(error.line, 2);
    assert.match(error.message, /at line 2, column \d+$/);
    return true;
  });
  const after = await Deno.stat(home.paths.codexConfigToml);
  assert.equal(await read(home), text);
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  assert.equal(await exists(home.paths.codexConfigBackup), false);
  assert.equal(await exists(home.paths.codexSwitchState), false);
});

Deno.test("a second switchOn() keeps the first backup and only moves the port", async () => {
  await using home = await createTempHome();
  const original = `model_provider = "openai"\n\n[features]\nx = true\n`;
  await writeConfig(home, original);
  await switchOn(home.paths, { port: 3211 });
  const first = await read(home);
  const again = await switchOn(home.paths, { port: 3211 });
  assert.equal(again.status, "unchanged");
  assert.equal(again.backupPath, undefined);
  assert.equal(await read(home), first);
  const moved = await switchOn(home.paths, { port: 4000 });
  assert.equal(moved.status, "updated");
  assert.equal(moved.previousPort, 3211);
  assert.equal(await read(home), first.replace(":3211", ":4000"));
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), original);
  assert.equal((await readSwitchState(home.paths.codexSwitchState))?.port, 4000);
  await switchOff(home.paths);
  assert.equal(await read(home), original);
});

Deno.test("an edit between two switchOn() calls survives switchOff()", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model = "o3"\n`);
  await switchOn(home.paths, { port: 3211 });
  await Deno.writeTextFile(home.paths.codexConfigToml, (await read(home)) + `\n[tui]\nx = 1\n`);
  await switchOn(home.paths, { port: 4000 });
  await switchOff(home.paths);
  assert.equal(await read(home), `model = "o3"\n\n[tui]\nx = 1\n`);
});

Deno.test("switchOn() creates a missing config.toml and switchOff() removes it again", async () => {
  await using home = await createTempHome();
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.createdFile, true);
  assert.equal(on.backupPath, undefined);
  assert.equal(
    await read(home),
    `model_provider = "codex_proxy"\n\n[model_providers.codex_proxy]\nname = "codex-helper"\n` +
      `base_url = "http://127.0.0.1:3211"\nwire_api = "responses"\n`,
  );
  const off = await switchOff(home.paths);
  assert.equal(off.removedFile, true);
  assert.equal(await exists(home.paths.codexConfigToml), false);
});

Deno.test("switchOn() keeps the ChatGPT login with requires_openai_auth", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex/auth.json",
    JSON.stringify({ OPENAI_API_KEY: null, tokens: { id_token: "x" } }),
  );
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.requiresOpenaiAuth, true);
  assert.match(await read(home), /\nrequires_openai_auth = true\n$/);
});

Deno.test("switchOn() with an API key does not ask for the ChatGPT login", async () => {
  await using home = await createTempHome();
  await home.write(".codex/auth.json", JSON.stringify({ OPENAI_API_KEY: "sk-test-dummy" }));
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.requiresOpenaiAuth, false);
  assert.doesNotMatch(await read(home), /requires_openai_auth/);
});

Deno.test("switchOn() warns about profiles that bypass the proxy", async () => {
  await using home = await createTempHome();
  await writeConfig(
    home,
    `[profiles.work]\nmodel_provider = "azure"\n[profiles.home]\nmodel = "o3"\n`,
  );
  await home.write(".codex/fast.config.toml", `model_provider = "openai"\n`);
  await home.write(".codex/ok.config.toml", `model = "o3"\n`);
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.warnings.length, 3, on.warnings.join("\n"));
  assert.match(on.warnings[0]!, /\[profiles\.work\] in ".*" is a legacy profile: Codex ignores it/);
  assert.match(on.warnings[1]!, /\[profiles\.home\] in ".*" is a legacy profile/);
  assert.match(
    on.warnings[2]!,
    /profile "fast" \(".*fast\.config\.toml"\) sets model_provider = "openai": "codex --profile fast" bypasses codex-helper; delete model_provider from/,
  );
});

Deno.test("switchOn() warns that Codex does not start with a legacy profile line", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `profile = "fast"\n[profiles.fast]\nmodel_provider = "azure"\n`);
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.warnings.length, 1, on.warnings.join("\n"));
  assert.match(
    on.warnings[0]!,
    /has the legacy profile = "fast" line: Codex does not start .*; its \[profiles\.fast\] selects model_provider = "azure", not codex-helper; move the settings of \[profiles\.fast\] into ".*fast\.config\.toml"/,
  );
});

Deno.test("switchOff() without a record restores the backup", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model = "o3"\n`);
  await switchOn(home.paths, { port: 3211 });
  await Deno.remove(home.paths.codexSwitchState);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "restored-backup");
  assert.equal(await read(home), `model = "o3"\n`);
});

Deno.test("switchOff() without a record or a backup changes nothing", async () => {
  await using home = await createTempHome();
  const text = `model_provider = "codex_proxy"\n`;
  await writeConfig(home, text);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "no-record");
  assert.equal(await read(home), text);
});

Deno.test("switchOff() when not switched on says so and changes nothing", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model_provider = "openai"\n`);
  await home.write(".codex/config.toml.codex-proxy-backup", `model = "old"\n`);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "not-switched");
  assert.equal(await read(home), `model_provider = "openai"\n`);
});

Deno.test("switchOn() without a record on an already switched file keeps the old backup", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model = "o3"\n`);
  await switchOn(home.paths, { port: 3211 });
  await Deno.remove(home.paths.codexSwitchState);
  await switchOn(home.paths, { port: 3211 });
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), `model = "o3"\n`);
  await switchOff(home.paths);
  assert.equal(await read(home), `model = "o3"\n`);
});

Deno.test("switchOn() writes through a symlinked config.toml and keeps its mode", async () => {
  await using home = await createTempHome();
  const target = await home.write("dotfiles/codex.toml", `model = "o3"\n`);
  await Deno.chmod(target, 0o640);
  await Deno.mkdir(home.paths.codexHome, { recursive: true });
  await Deno.symlink(target, home.paths.codexConfigToml);
  await switchOn(home.paths, { port: 3211 });
  assert.equal((await Deno.lstat(home.paths.codexConfigToml)).isSymlink, true);
  assert.match(await Deno.readTextFile(target), /model_provider = "codex_proxy"/);
  assert.equal((await Deno.stat(target)).mode! & 0o777, 0o640);
  await switchOff(home.paths);
  assert.equal((await Deno.lstat(home.paths.codexConfigToml)).isSymlink, true);
  assert.equal(await Deno.readTextFile(target), `model = "o3"\n`);
});

Deno.test("a record left from an earlier switch does not stop a fresh backup", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model = "o3"\n`);
  await switchOn(home.paths, { port: 3211 });
  // the user put their own file back by hand, leaving the record behind
  await Deno.writeTextFile(home.paths.codexConfigToml, `model = "gpt-5"\n`);
  const on = await switchOn(home.paths, { port: 3211 });
  assert.equal(on.status, "switched");
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), `model = "gpt-5"\n`);
  await switchOff(home.paths);
  assert.equal(await read(home), `model = "gpt-5"\n`);
});

Deno.test("concurrent switchOn() calls leave one valid switch and the original backup", async () => {
  await using home = await createTempHome();
  await writeConfig(home, ORIGINAL_FOR_RACE);
  const results = await Promise.all([
    switchOn(home.paths, { port: 3211 }),
    switchOn(home.paths, { port: 3211 }),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), ["switched", "unchanged"]);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), ORIGINAL_FOR_RACE);
  await switchOff(home.paths);
  assert.equal(await read(home), ORIGINAL_FOR_RACE);
});

const ORIGINAL_FOR_RACE = `# race\nmodel_provider = "openai"\n`;

Deno.test("a record for another CODEX_HOME is never applied to this config.toml", async () => {
  await using home = await createTempHome();
  await writeConfig(home, `model = "o3"\n`);
  await switchOn(home.paths, { port: 3211 });
  const other = { ...home.paths, codexConfigToml: `${home.dir}/other/config.toml` };
  await home.write("other/config.toml", `model_provider = "codex_proxy"\n`);
  await assert.rejects(() => switchOff(other), /switch record is for ".*\.codex[/\\]config\.toml"/);
  await assert.rejects(() => switchOn(other, { port: 3211 }), /switch record is for/);
  assert.equal(await Deno.readTextFile(other.codexConfigToml), `model_provider = "codex_proxy"\n`);
});
