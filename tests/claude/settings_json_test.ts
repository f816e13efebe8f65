import assert from "node:assert/strict";
import {
  ClaudeSettingsShapeError,
  detectFormatting,
  editSettingsEnv,
  parseClaudeSettings,
  removeEmptySettingsEnv,
} from "../../src/claude/settings_json.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";
import { SETTINGS_CORPUS } from "./settings_corpus.ts";

const URL = "http://127.0.0.1:3210";

Deno.test("editSettingsEnv() sets the key and keeps every other value", async (t) => {
  for (const c of SETTINGS_CORPUS) {
    await t.step(c.name, () => {
      const out = editSettingsEnv(c.text, { ANTHROPIC_BASE_URL: URL }, { file: "s.json" });
      const before = parseClaudeSettings(c.text, "s.json");
      const after = parseClaudeSettings(out, "s.json");
      assert.deepEqual(after.env, { ...before.env, ANTHROPIC_BASE_URL: URL });
      const { env: _a, ...restBefore } = before.root;
      const { env: _b, ...restAfter } = after.root;
      assert.deepEqual(restAfter, restBefore);
    });
  }
});

Deno.test("editSettingsEnv() set then remove is byte-identical for a multi-line env with other keys", async (t) => {
  // A one-line env object is expanded by the insert; switch-off restores such files from the backup.
  const cases = SETTINGS_CORPUS.filter((c) => {
    const env = parseClaudeSettings(c.text, "s.json").env;
    return env !== undefined && Object.keys(env).length > 0 && /"env": \{\r?\n/.test(c.text);
  });
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    await t.step(c.name, () => {
      const before = parseClaudeSettings(c.text, "s.json").env?.ANTHROPIC_BASE_URL;
      const on = editSettingsEnv(c.text, { ANTHROPIC_BASE_URL: URL }, { file: "s.json" });
      const restore = typeof before === "string" ? before : undefined;
      const off = editSettingsEnv(on, { ANTHROPIC_BASE_URL: restore }, { file: "s.json" });
      assert.equal(off, c.text);
    });
  }
});

Deno.test("editSettingsEnv() keeps CRLF, tabs, comments and a missing final newline", () => {
  const crlf = editSettingsEnv(`{\r\n  "a": 1\r\n}\r\n`, { X: "1" }, { file: "s" });
  assert.equal(crlf, `{\r\n  "a": 1,\r\n  "env": {\r\n    "X": "1"\r\n  }\r\n}\r\n`);
  const tabs = editSettingsEnv(`{\n\t"env": {\n\t\t"A": "1"\n\t}\n}`, { X: "1" }, { file: "s" });
  assert.equal(tabs, `{\n\t"env": {\n\t\t"A": "1",\n\t\t"X": "1"\n\t}\n}`);
  const comment = editSettingsEnv(`{\n  // keep me\n  "a": 1\n}`, { X: "1" }, { file: "s" });
  assert.ok(comment.includes("  // keep me\n"));
  assert.ok(!comment.endsWith("\n"));
});

Deno.test("editSettingsEnv() with no change returns the text unchanged", () => {
  const text = `{ "env": { "X": "1" } } // trailing`;
  assert.equal(editSettingsEnv(text, { X: "1", Y: undefined }, { file: "s" }), text);
});

Deno.test("parseClaudeSettings() reports file, line and column", () => {
  assert.throws(
    () => parseClaudeSettings(`{\n  "a": 1,\n  "b" 2\n}`, "/h/.claude/settings.json"),
    (error: unknown) => {
      assert.ok(error instanceof JsonParseError);
      assert.match(error.message, /"\/h\/\.claude\/settings\.json".*line 3, column 7/);
      return true;
    },
  );
  assert.throws(() => parseClaudeSettings(`[1, 2]`, "s.json"), /top level is not an object/);
  assert.deepEqual(parseClaudeSettings("  \n", "s.json").root, {});
});

Deno.test("removeEmptySettingsEnv() removes only an empty env", () => {
  assert.equal(
    removeEmptySettingsEnv(`{\n  "a": 1,\n  "env": {}\n}\n`, { file: "s" }),
    `{\n  "a": 1\n}\n`,
  );
  const kept = `{ "env": { "A": "1" } }`;
  assert.equal(removeEmptySettingsEnv(kept, { file: "s" }), kept);
});

Deno.test("detectFormatting() reads indentation and line endings", () => {
  assert.deepEqual(detectFormatting(`{\n    "a": 1\n}`), {
    insertSpaces: true,
    tabSize: 4,
    eol: "\n",
  });
  assert.deepEqual(detectFormatting(`{\r\n\t"a": 1\r\n}`), {
    insertSpaces: false,
    tabSize: 1,
    eol: "\r\n",
  });
  assert.deepEqual(detectFormatting(`{}`), { insertSpaces: true, tabSize: 2, eol: "\n" });
});

Deno.test("editSettingsEnv() refuses a duplicated key it would edit, naming every line", async (t) => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    {
      name: "key twice in env",
      text: '{\n  "env": {\n    "ANTHROPIC_BASE_URL": "https://a.example",\n' +
        '    "X": "1",\n    "ANTHROPIC_BASE_URL": "https://b.example"\n  }\n}\n',
      message:
        /"env\.ANTHROPIC_BASE_URL" is written 2 times, at lines 3 and 5 \(Claude Code uses only the last one\)/,
    },
    {
      name: "env twice",
      text: '{\n  "env": {},\n  "model": "x",\n  "env": { "X": "1" }\n}\n',
      message: /"env" is written 2 times, at lines 2 and 4/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      for (const value of [URL, undefined]) {
        assert.throws(
          () => editSettingsEnv(c.text, { ANTHROPIC_BASE_URL: value }, { file: "s.json" }),
          (error: unknown) => error instanceof Error && c.message.test(error.message),
        );
      }
    });
  }
  await t.step("a duplicate elsewhere is no reason to refuse", () => {
    const text = '{\n  "env": { "X": "1", "X": "2" },\n  "model": "a",\n  "model": "b"\n}\n';
    const out = editSettingsEnv(text, { ANTHROPIC_BASE_URL: URL }, { file: "s.json" });
    assert.equal(JSON.parse(out).env.ANTHROPIC_BASE_URL, URL);
  });
});

Deno.test('parseClaudeSettings() refuses "env": null as Claude Code does, saying so with its line', () => {
  // Claude Code 2.1 loads nothing of such a file: "(env): Expected record, but received null"
  assert.throws(
    () => parseClaudeSettings(`{\n  "model": "opus",\n  "env": null\n}\n`, "/h/settings.json"),
    (error: unknown) => {
      assert.ok(error instanceof ClaudeSettingsShapeError);
      assert.match(error.message, /^Invalid "\/h\/settings\.json": "env" is null, not an object/);
      assert.match(error.message, /at line 3, column 10/);
      assert.match(error.message, /Claude Code does not load such a file at all/);
      assert.match(error.message, /write "env": \{\} or delete the line/);
      return true;
    },
  );
  // null as a value inside "env" is a string to Claude Code ("null"): read, never refused
  const settings = parseClaudeSettings(`{ "env": { "FOO": null } }`, "s.json");
  assert.deepEqual(settings.env, { FOO: null });
});
