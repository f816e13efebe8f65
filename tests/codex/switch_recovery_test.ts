/** switch-on / switch-off on a bad day: a lost record, read-only or unreadable files, secrets. */
import assert from "node:assert/strict";
import { createTempHome, exists } from "../_fakes/temp_home.ts";
import { read, writeConfig } from "./switch_fixture.ts";
import { switchOff, switchOn } from "../../src/codex/switch.ts";
import { readSwitchState } from "../../src/codex/switch_state.ts";
import { ReadOnlyFileError } from "../../src/fs/user_file.ts";
import { CORPUS } from "./config_corpus.ts";

const BEFORE = `model = "o3"
model_provider = "azure"

[model_providers.azure]
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
`;

Deno.test("switchOff() without a record restores only the keys switch-on owns", async () => {
  await using home = await createTempHome();
  await writeConfig(home, BEFORE);
  await switchOn(home.paths, { port: 3211 });
  await Deno.remove(home.paths.codexSwitchState); // lost (or another CODEX_PROXY_HOME)
  const edited = (await read(home)).replace(`model = "o3"`, `model = "gpt-5"`) +
    `\n[mcp_servers.docs]\ncommand = "docs-server"\n`;
  await Deno.writeTextFile(home.paths.codexConfigToml, edited);

  const off = await switchOff(home.paths);
  assert.equal(off.status, "restored-backup");
  const after = await read(home);
  assert.match(after, /^model = "gpt-5"$/m, "a newer model is kept");
  assert.match(after, /^\[mcp_servers\.docs\]$/m, "a new MCP server is kept");
  assert.match(after, /^model_provider = "azure"$/m, "model_provider comes from the backup");
  assert.doesNotMatch(after, /codex_proxy/);
  assert.match(after, /^\[model_providers\.azure\]$/m);
  assert.equal(off.savedCopy, home.paths.codexConfigBeforeRestore);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBeforeRestore), edited);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigBackup), BEFORE, "backup kept");
});

Deno.test("switchOff() without a record restores a previous codex_proxy provider from the backup", async () => {
  await using home = await createTempHome();
  const before = `model = "o3"\n\n[model_providers.codex_proxy]\nname = "mine"\n` +
    `base_url = "http://127.0.0.1:9999"\n`;
  await writeConfig(home, before);
  await switchOn(home.paths, { port: 3211 });
  await Deno.remove(home.paths.codexSwitchState);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "restored-backup");
  assert.equal(await read(home), before);
});

Deno.test("switchOff() without a record ignores a backup that is switched itself", async () => {
  await using home = await createTempHome();
  const switched = `model_provider = "codex_proxy"\n`;
  await writeConfig(home, switched);
  await Deno.writeTextFile(home.paths.codexConfigBackup, switched);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "no-record");
  assert.equal(await read(home), switched);
  assert.equal(await exists(home.paths.codexConfigBeforeRestore), false);
});

Deno.test("the switch record holds no copy of config.toml, and round trips stay byte-exact", async (t) => {
  const secret = "sk-test-header-secret-7c1d";
  const text = `model = "o3"
model_provider = "work"

[model_providers.work]
name = "Work"
base_url = "https://llm.example.com/v1"

[model_providers.work.http_headers]
Authorization = "Bearer ${secret}"
`;
  for (const entry of [{ name: "provider headers", text }, ...CORPUS]) {
    await t.step(entry.name, async () => {
      await using home = await createTempHome();
      await writeConfig(home, entry.text);
      await switchOn(home.paths, { port: 3211 });
      const record = await Deno.readTextFile(home.paths.codexSwitchState);
      assert.ok(!record.includes(secret), "a header of another provider is in the record");
      assert.ok(!/"original"/.test(record));
      const state = await readSwitchState(home.paths.codexSwitchState);
      assert.equal(typeof state?.exact?.sha256, "string");
      await switchOn(home.paths, { port: 4000 }); // a second switch keeps the exact restore
      await switchOff(home.paths);
      assert.equal(await read(home), entry.text);
    });
  }
});

Deno.test("switchOff() still uses the whole-file copy of a record from an earlier version", async () => {
  await using home = await createTempHome();
  await writeConfig(home, BEFORE);
  await switchOn(home.paths, { port: 3211 });
  const state = JSON.parse(await Deno.readTextFile(home.paths.codexSwitchState));
  delete state.exact;
  state.original = BEFORE;
  await Deno.writeTextFile(home.paths.codexSwitchState, JSON.stringify(state));
  const off = await switchOff(home.paths);
  assert.equal(off.status, "restored");
  assert.equal(await read(home), BEFORE);
});

Deno.test("switchOff() keeps a file switch-on created once it was edited, even after a port change", async () => {
  await using home = await createTempHome();
  await switchOn(home.paths, { port: 3211 });
  await Deno.writeTextFile(home.paths.codexConfigToml, `model = "o3"\n` + await read(home));
  await switchOn(home.paths, { port: 4000 });
  const off = await switchOff(home.paths);
  assert.equal(off.removedFile, false);
  assert.equal(await read(home), `model = "o3"\n`);
});

Deno.test("a read-only config.toml is refused with a how-to, and nothing is written", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await createTempHome();
  await writeConfig(home, BEFORE);
  await Deno.chmod(home.paths.codexConfigToml, 0o444);
  await assert.rejects(() => switchOn(home.paths, { port: 3211 }), (error: Error) => {
    assert.ok(error instanceof ReadOnlyFileError);
    assert.match(error.message, /config\.toml" is read-only/);
    assert.match(String((error as ReadOnlyFileError).hint), /chmod u\+w/);
    return true;
  });
  assert.equal(await read(home), BEFORE);
  assert.equal(await exists(home.paths.proxyHome), false);
  assert.equal(await exists(home.paths.codexConfigBackup), false);

  await Deno.chmod(home.paths.codexConfigToml, 0o644);
  await switchOn(home.paths, { port: 3211 });
  const switched = await read(home);
  await Deno.chmod(home.paths.codexConfigToml, 0o444);
  await assert.rejects(() => switchOff(home.paths), ReadOnlyFileError);
  assert.equal(await read(home), switched);
  assert.equal(await exists(home.paths.codexSwitchState), true, "the record is kept");
});

Deno.test("switchOn() on an unreadable config.toml creates nothing", async (t) => {
  await t.step("not UTF-8", async () => {
    await using home = await createTempHome();
    await Deno.mkdir(home.paths.codexHome, { recursive: true });
    await Deno.writeFile(home.paths.codexConfigToml, new Uint8Array([0x6d, 0xff, 0xfe, 0x0a]));
    await assert.rejects(() => switchOn(home.paths, { port: 3211 }));
    assert.equal(await exists(home.paths.proxyHome), false);
    assert.equal(await exists(home.paths.codexConfigBackup), false);
  });
});

Deno.test({
  name: "switchOn() on a config.toml without read permission creates nothing",
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
  fn: async () => {
    await using home = await createTempHome();
    await writeConfig(home, BEFORE);
    await Deno.chmod(home.paths.codexConfigToml, 0o000);
    await assert.rejects(() => switchOn(home.paths, { port: 3211 }));
    assert.equal(await exists(home.paths.proxyHome), false);
    await Deno.chmod(home.paths.codexConfigToml, 0o644);
  },
});

Deno.test("switchOff() on a file that was never switched creates nothing", async () => {
  await using home = await createTempHome();
  await writeConfig(home, BEFORE);
  const off = await switchOff(home.paths);
  assert.equal(off.status, "not-switched");
  assert.equal(await exists(home.paths.proxyHome), false);
  assert.equal(await read(home), BEFORE);
});

Deno.test("switchOff() on an unreadable config.toml creates nothing", async () => {
  await using home = await createTempHome();
  await Deno.mkdir(home.paths.codexHome, { recursive: true });
  await Deno.writeFile(home.paths.codexConfigToml, new Uint8Array([0x6d, 0xff, 0xfe, 0x0a]));
  await assert.rejects(() => switchOff(home.paths));
  assert.equal(await exists(home.paths.proxyHome), false);
});
