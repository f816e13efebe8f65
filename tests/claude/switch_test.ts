import assert from "node:assert/strict";
import { applyEdits, modify } from "jsonc-parser";
import { JsonParseError } from "../../src/fs/json_file.ts";
import { parseClaudeSettings } from "../../src/claude/settings_json.ts";
import {
  PLACEHOLDER_AUTH_TOKEN,
  switchOffClaude,
  switchOnClaude,
} from "../../src/claude/switch.ts";
import { readClaudeSwitchState } from "../../src/claude/switch_state.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { SETTINGS_CORPUS } from "./settings_corpus.ts";

const OURS = ["ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"];

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function withoutOurKeys(text: string): { root: Record<string, unknown>; env: object } {
  const { root, env } = parseClaudeSettings(text, "x");
  const rest = { ...root };
  delete rest.env;
  const envRest = Object.fromEntries(Object.entries(env ?? {}).filter(([k]) => !OURS.includes(k)));
  return { root: rest, env: envRest };
}

function writeSettings(home: TempHome, text: string): Promise<string> {
  return home.write(".claude/settings.json", text);
}

Deno.test("switchOnClaude() changes only its keys and switchOffClaude() restores the bytes", async (t) => {
  for (const c of SETTINGS_CORPUS) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      const file = await writeSettings(home, c.text);
      const on = await switchOnClaude(home.paths, { port: 4321, env: home.getEnv });
      assert.equal(on.action, "switched-on");
      const switched = await Deno.readTextFile(file);
      const parsed = parseClaudeSettings(switched, file);
      assert.equal(parsed.env?.ANTHROPIC_BASE_URL, "http://127.0.0.1:4321");
      assert.deepEqual(withoutOurKeys(switched), withoutOurKeys(c.text));
      const original = parseClaudeSettings(c.text, file);
      if (c.hasCredential) {
        assert.equal(parsed.env?.ANTHROPIC_AUTH_TOKEN, original.env?.ANTHROPIC_AUTH_TOKEN);
        assert.notEqual(on.credential, "placeholder");
      } else {
        assert.equal(parsed.env?.ANTHROPIC_AUTH_TOKEN, PLACEHOLDER_AUTH_TOKEN);
      }
      if (c.text.includes("\r\n")) assert.ok(!/[^\r]\n/.test(switched), "LF-only line inserted");
      if (c.text.startsWith("\ufeff")) assert.ok(switched.startsWith("\ufeff"));
      const comment = /\s(\/\/ .*)/.exec(c.text)?.[1];
      if (comment !== undefined) assert.ok(switched.includes(comment), "comment lost");
      assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), c.text);

      const off = await switchOffClaude(home.paths);
      assert.equal(off.action, "switched-off");
      assert.equal(await Deno.readTextFile(file), c.text);
      assert.equal(await readIfExists(home.paths.claudeSwitchState), undefined);
      assert.equal(await readIfExists(home.paths.claudeSettingsBackup), undefined);
    });
  }
});

Deno.test("switchOffClaude() keeps edits made after switch-on", async (t) => {
  for (const c of SETTINGS_CORPUS) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      const file = await writeSettings(home, c.text);
      await switchOnClaude(home.paths, { env: home.getEnv });
      const switched = await Deno.readTextFile(file);
      const body = switched.replace(/^\ufeff/, "");
      const edited = applyEdits(body, modify(body, ["userEdit"], 42, {}));
      await Deno.writeTextFile(file, edited);
      await switchOffClaude(home.paths);
      const after = await Deno.readTextFile(file);
      const expected = parseClaudeSettings(c.text, file);
      const got = parseClaudeSettings(after, file);
      assert.equal(got.root.userEdit, 42);
      delete got.root.userEdit;
      assert.deepEqual(got.root, expected.root);
    });
  }
});

Deno.test("switchOnClaude() refuses malformed settings.json and writes nothing", async () => {
  await using home = await createTempHome();
  const text = `{\n  "env": {\n    "A": "1"\n    "B": "2"\n  }\n}\n`;
  const file = await writeSettings(home, text);
  await assert.rejects(
    () => switchOnClaude(home.paths, { env: home.getEnv }),
    (error: unknown) => {
      assert.ok(error instanceof JsonParseError);
      assert.equal(error.line, 4);
      assert.equal(error.column, 5);
      assert.match(error.message, /settings\.json/);
      return true;
    },
  );
  assert.equal(await Deno.readTextFile(file), text);
  assert.equal(await readIfExists(home.paths.claudeSwitchState), undefined);
  assert.equal(await readIfExists(home.paths.claudeSettingsBackup), undefined);
});

Deno.test("switchOnClaude() refuses a non-object env", async () => {
  await using home = await createTempHome();
  const text = `{ "env": "oops" }`;
  const file = await writeSettings(home, text);
  await assert.rejects(
    () => switchOnClaude(home.paths, { env: home.getEnv }),
    /"env" is a string, not an object at line 1, column 10/,
  );
  assert.equal(await Deno.readTextFile(file), text);
});

Deno.test("switchOffClaude() refuses a settings.json broken after switch-on", async () => {
  await using home = await createTempHome();
  const file = await writeSettings(home, `{"model": "opus"}\n`);
  await switchOnClaude(home.paths, { env: home.getEnv });
  await Deno.writeTextFile(file, `{"model": `);
  await assert.rejects(() => switchOffClaude(home.paths), JsonParseError);
  assert.equal(await Deno.readTextFile(file), `{"model": `);
  assert.notEqual(await readClaudeSwitchState(home.paths), undefined);
});

Deno.test("switchOnClaude() twice keeps the first backup; another port only updates the port", async () => {
  await using home = await createTempHome();
  const original = `{\n  "env": { "ANTHROPIC_BASE_URL": "https://api.example.com" }\n}\n`;
  const file = await writeSettings(home, original);
  await switchOnClaude(home.paths, { port: 3210, env: home.getEnv });
  const first = await Deno.readTextFile(file);
  const again = await switchOnClaude(home.paths, { port: 3210, env: home.getEnv });
  assert.equal(again.action, "already-on");
  assert.equal(await Deno.readTextFile(file), first);
  const moved = await switchOnClaude(home.paths, { port: 3999, env: home.getEnv });
  assert.equal(moved.action, "updated");
  assert.equal(moved.previousPort, 3210);
  assert.equal(
    parseClaudeSettings(await Deno.readTextFile(file), file).env?.ANTHROPIC_BASE_URL,
    "http://127.0.0.1:3999",
  );
  assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), original);
  const state = await readClaudeSwitchState(home.paths);
  assert.equal(state?.port, 3999);
  assert.equal(state?.previousBaseUrl, "https://api.example.com");
  await switchOffClaude(home.paths);
  assert.equal(await Deno.readTextFile(file), original);
});

Deno.test("switchOffClaude() keeps an edit made before a second switch-on", async () => {
  await using home = await createTempHome();
  const file = await writeSettings(home, `{\n  "model": "opus"\n}\n`);
  await switchOnClaude(home.paths, { port: 3210, env: home.getEnv });
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace(`"opus"`, `"sonnet"`));
  await switchOnClaude(home.paths, { port: 3211, env: home.getEnv });
  await switchOffClaude(home.paths);
  assert.equal(await Deno.readTextFile(file), `{\n  "model": "sonnet"\n}\n`);
});

Deno.test("switchOffClaude() leaves a base URL the user changed since switch-on", async () => {
  await using home = await createTempHome();
  const file = await writeSettings(home, `{"env": {"ANTHROPIC_AUTH_TOKEN": "sk-test-1"}}\n`);
  await switchOnClaude(home.paths, { env: home.getEnv });
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace("http://127.0.0.1:3210", "https://other.example"));
  const off = await switchOffClaude(home.paths);
  assert.equal(off.warnings.length, 1);
  const env = parseClaudeSettings(await Deno.readTextFile(file), file).env;
  assert.equal(env?.ANTHROPIC_BASE_URL, "https://other.example");
  assert.equal(env?.ANTHROPIC_AUTH_TOKEN, "sk-test-1");
});

Deno.test("switch-on without settings.json creates it and switch-off removes it", async (t) => {
  await t.step("untouched: removed", async () => {
    await using home = await createTempHome();
    const on = await switchOnClaude(home.paths, { env: home.getEnv });
    assert.equal(on.createdSettings, true);
    assert.equal(on.backupFile, undefined);
    const text = await Deno.readTextFile(home.paths.claudeSettings);
    assert.deepEqual(JSON.parse(text), {
      env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:3210", ANTHROPIC_AUTH_TOKEN: "codex-helper" },
    });
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(home.paths.claudeSettings)).mode! & 0o777, 0o600);
    }
    const off = await switchOffClaude(home.paths);
    assert.equal(off.removedSettings, true);
    assert.equal(await readIfExists(home.paths.claudeSettings), undefined);
  });
  await t.step("edited since: the edit stays, our keys go", async () => {
    await using home = await createTempHome();
    await switchOnClaude(home.paths, { env: home.getEnv });
    const text = await Deno.readTextFile(home.paths.claudeSettings);
    await Deno.writeTextFile(home.paths.claudeSettings, text.replace("{", `{\n  "model": "opus",`));
    const off = await switchOffClaude(home.paths);
    assert.equal(off.removedSettings, false);
    const after = await Deno.readTextFile(home.paths.claudeSettings);
    assert.deepEqual(parseClaudeSettings(after, "x").root, { model: "opus" });
  });
});

Deno.test("switchOnClaude() adds a placeholder only when Claude Code has no credential", async (t) => {
  await t.step("token in the process environment", async () => {
    await using home = await createTempHome({ ANTHROPIC_AUTH_TOKEN: "sk-test-env" });
    const on = await switchOnClaude(home.paths, { env: home.getEnv });
    assert.equal(on.credential, "process-env");
    const env = JSON.parse(await Deno.readTextFile(home.paths.claudeSettings)).env;
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, undefined);
  });
  await t.step("Claude Code login", async () => {
    await using home = await createTempHome();
    await home.write(".claude/.credentials.json", `{"claudeAiOauth": {}}`);
    const on = await switchOnClaude(home.paths, { env: home.getEnv });
    assert.equal(on.credential, "claude-login");
    const state = await readClaudeSwitchState(home.paths);
    assert.equal(state?.addedAuthToken, null);
  });
  await t.step("nothing: placeholder recorded in the state", async () => {
    await using home = await createTempHome();
    const on = await switchOnClaude(home.paths, { env: home.getEnv });
    assert.equal(on.credential, "placeholder");
    const state = await readClaudeSwitchState(home.paths);
    assert.equal(state?.addedAuthToken, PLACEHOLDER_AUTH_TOKEN);
  });
});

Deno.test("switchOnClaude() keeps the settings file's mode", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await createTempHome();
  const file = await writeSettings(home, "{}\n");
  await Deno.chmod(file, 0o644);
  await switchOnClaude(home.paths, { env: home.getEnv });
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o644);
  await switchOffClaude(home.paths);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o644);
});

Deno.test("switchOffClaude() without state", async (t) => {
  const switched = `{"env": {"ANTHROPIC_BASE_URL": "http://127.0.0.1:3210"}}\n`;
  await t.step(
    "and a backup: restores only ANTHROPIC_BASE_URL from it, keeps the rest",
    async () => {
      await using home = await createTempHome();
      const edited = `{"model": "sonnet", "env": {"ANTHROPIC_BASE_URL": "http://127.0.0.1:3210", ` +
        `"ANTHROPIC_AUTH_TOKEN": "codex-helper", "MY_VAR": "new"}}\n`;
      const file = await writeSettings(home, edited);
      const backup =
        `{"model": "opus", "env": {"ANTHROPIC_BASE_URL": "https://relay.example.com"}}\n`;
      await home.write(".claude/settings.json.codex-proxy-backup", backup);
      const off = await switchOffClaude(home.paths);
      assert.equal(off.action, "restored-backup");
      assert.match(off.message, /restored/);
      const after = JSON.parse(await Deno.readTextFile(file));
      assert.deepEqual(after, {
        model: "sonnet",
        env: { ANTHROPIC_BASE_URL: "https://relay.example.com", MY_VAR: "new" },
      });
      assert.equal(off.savedCopy, home.paths.claudeSettingsBeforeRestore);
      assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBeforeRestore), edited);
      assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), backup, "backup kept");
    },
  );
  await t.step("and a backup without env: removes the env switch-on added", async () => {
    await using home = await createTempHome();
    const file = await writeSettings(home, switched);
    await home.write(".claude/settings.json.codex-proxy-backup", `{"model": "opus"}\n`);
    const off = await switchOffClaude(home.paths);
    assert.equal(off.action, "restored-backup");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), {});
    assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), `{"model": "opus"}\n`);
  });
  await t.step("and a backup that points at a local proxy: changes nothing", async () => {
    await using home = await createTempHome();
    const file = await writeSettings(home, switched);
    await home.write(".claude/settings.json.codex-proxy-backup", switched);
    const off = await switchOffClaude(home.paths);
    assert.equal(off.action, "nothing-to-restore");
    assert.equal(await Deno.readTextFile(file), switched);
  });
  await t.step("and no backup: explains and changes nothing", async () => {
    await using home = await createTempHome();
    const file = await writeSettings(home, switched);
    const off = await switchOffClaude(home.paths);
    assert.equal(off.action, "nothing-to-restore");
    assert.match(off.message, /by hand/);
    assert.equal(await Deno.readTextFile(file), switched);
  });
  await t.step("not switched on: says so", async () => {
    await using home = await createTempHome();
    const file = await writeSettings(home, `{"model": "opus"}`);
    const off = await switchOffClaude(home.paths);
    assert.equal(off.action, "not-switched-on");
    assert.equal(await Deno.readTextFile(file), `{"model": "opus"}`);
  });
});

Deno.test("switchOnClaude() after a lost state takes the previous URL from the backup", async () => {
  await using home = await createTempHome();
  const original =
    `{"env": {"ANTHROPIC_BASE_URL": "https://api.example.com", "ANTHROPIC_API_KEY": "sk-test-9"}}\n`;
  const file = await writeSettings(home, original);
  await switchOnClaude(home.paths, { env: home.getEnv });
  await Deno.remove(home.paths.claudeSwitchState);
  const on = await switchOnClaude(home.paths, { env: home.getEnv });
  assert.equal(on.previousBaseUrl, "https://api.example.com");
  assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), original);
  await switchOffClaude(home.paths);
  assert.equal(
    parseClaudeSettings(await Deno.readTextFile(file), file).env?.ANTHROPIC_BASE_URL,
    "https://api.example.com",
  );
});

Deno.test("switchOnClaude() warns that Claude Code ignores a commented settings.json", async () => {
  await using home = await createTempHome();
  await writeSettings(home, `{\n  // mine\n  "model": "opus"\n}\n`);
  const on = await switchOnClaude(home.paths, { env: home.getEnv });
  assert.equal(on.warnings.length, 1);
  assert.match(on.warnings[0]!, /comments or trailing commas/);
  const again = await switchOnClaude(home.paths, { env: home.getEnv });
  assert.equal(again.warnings.length, 1);
});

Deno.test("switch-on and switch-off write through a symlinked settings.json", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await createTempHome();
  const original = `{\n  "model": "opus"\n}\n`;
  const target = await home.write("dotfiles/claude-settings.json", original);
  await Deno.mkdir(home.paths.claudeHome, { recursive: true });
  await Deno.symlink(target, home.paths.claudeSettings);
  await switchOnClaude(home.paths, { env: home.getEnv });
  assert.ok((await Deno.lstat(home.paths.claudeSettings)).isSymlink);
  assert.match(await Deno.readTextFile(target), /127\.0\.0\.1:3210/);
  await switchOffClaude(home.paths);
  assert.ok((await Deno.lstat(home.paths.claudeSettings)).isSymlink);
  assert.equal(await Deno.readTextFile(target), original);
});

Deno.test("two switch-ons at once switch once and keep the original backup", async () => {
  await using home = await createTempHome();
  const original = `{"env": {"ANTHROPIC_API_KEY": "sk-test-c"}}\n`;
  await writeSettings(home, original);
  const results = await Promise.all([
    switchOnClaude(home.paths, { env: home.getEnv }),
    switchOnClaude(home.paths, { env: home.getEnv }),
  ]);
  assert.deepEqual(results.map((r) => r.action).sort(), ["already-on", "switched-on"]);
  assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), original);
  await switchOffClaude(home.paths);
  assert.equal(await Deno.readTextFile(home.paths.claudeSettings), original);
});

Deno.test("switchOffClaude() after settings.json was deleted keeps the backup", async () => {
  await using home = await createTempHome();
  await writeSettings(home, `{"model": "opus"}\n`);
  await switchOnClaude(home.paths, { env: home.getEnv });
  await Deno.remove(home.paths.claudeSettings);
  const off = await switchOffClaude(home.paths);
  assert.match(off.message, /no longer exists/);
  assert.equal(await readIfExists(home.paths.claudeSettings), undefined);
  assert.equal(await Deno.readTextFile(home.paths.claudeSettingsBackup), `{"model": "opus"}\n`);
  assert.equal(await readClaudeSwitchState(home.paths), undefined);
});

Deno.test("switchOnClaude() refuses a read-only settings.json before writing anything", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await createTempHome();
  const file = await writeSettings(home, `{"model": "opus"}\n`);
  await Deno.chmod(file, 0o444);
  await assert.rejects(
    () => switchOnClaude(home.paths, { env: home.getEnv }),
    /settings\.json" is read-only/,
  );
  assert.equal(await Deno.readTextFile(file), `{"model": "opus"}\n`);
  await assert.rejects(() => Deno.stat(home.paths.claudeSettingsBackup), Deno.errors.NotFound);
  await assert.rejects(() => Deno.stat(home.paths.proxyHome), Deno.errors.NotFound);
});

Deno.test("switchOnClaude() on an unreadable settings.json creates nothing", async () => {
  await using home = await createTempHome();
  await Deno.mkdir(home.paths.claudeHome, { recursive: true });
  await Deno.writeFile(home.paths.claudeSettings, new Uint8Array([0x7b, 0xff, 0x7d]));
  await assert.rejects(() => switchOnClaude(home.paths, { env: home.getEnv }));
  await assert.rejects(() => Deno.stat(home.paths.proxyHome), Deno.errors.NotFound);
  await assert.rejects(() => Deno.stat(home.paths.claudeSettingsBackup), Deno.errors.NotFound);
});
