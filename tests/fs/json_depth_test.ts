import assert from "node:assert/strict";
import {
  findTooDeep,
  JsonParseError,
  MAX_JSON_DEPTH,
  parseJsonText,
} from "../../src/fs/json_file.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const DEEP = 100_000;

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

Deno.test("parseJsonText() refuses nesting deeper than the limit, naming file, line and column", () => {
  for (const jsonc of [false, true]) {
    assert.throws(
      () => parseJsonText(`{\n  "x": ${nested(DEEP)}\n}`, "deep.json", { jsonc }),
      (error: unknown) =>
        error instanceof JsonParseError &&
        error.message ===
          `Cannot parse "deep.json": nested deeper than ${MAX_JSON_DEPTH} levels (arrays and objects) ` +
            `at line 2, column ${8 + MAX_JSON_DEPTH - 1}`,
    );
  }
  const atLimit = `{"x": ${nested(MAX_JSON_DEPTH - 1)}}`;
  assert.ok(Array.isArray((parseJsonText(atLimit, "ok.json") as { x: unknown }).x));
});

Deno.test("findTooDeep() skips brackets inside strings and comments", () => {
  const text = `{"a": "${"[".repeat(50)}\\"${"{".repeat(50)}", /* ${"[".repeat(50)} */\n// ${
    "{".repeat(50)
  }\n"b": [[1]]}`;
  assert.equal(findTooDeep(text, 3), undefined);
  assert.equal(findTooDeep(text, 2), text.indexOf("[[1]]") + 1);
});

Deno.test("every JSON file codex-helper reads reports deep nesting with its name, not a stack overflow", async (t) => {
  const files: { path: string; text: string; args: string[] }[] = [
    {
      path: ".codex-proxy/config.json",
      text: `{"codex": ${nested(DEEP)}}`,
      args: ["config", "list"],
    },
    {
      path: ".codex-proxy/usage_providers.json",
      text: `{"providers": ${nested(DEEP)}}`,
      args: ["usage", "quota"],
    },
    {
      path: ".claude/settings.json",
      text: `{"env": ${nested(DEEP)}}`,
      args: ["switch-on", "--claude"],
    },
    { path: ".codex/auth.json", text: `{"tokens": ${nested(DEEP)}}`, args: ["doctor"] },
    { path: ".codex-proxy/filter.json", text: nested(DEEP), args: ["doctor"] },
    { path: ".codex-proxy/switch_state.codex.json", text: nested(DEEP), args: ["switch-off"] },
  ];
  for (const f of files) {
    await t.step(f.path, async () => {
      await using home = await createTempHome();
      const path = await home.write(f.path, f.text);
      const r = await runCli(f.args, { env: home.env });
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /call stack/);
      assert.ok(
        (r.stdout + r.stderr).includes(
          `Cannot parse "${path}": nested deeper than ${MAX_JSON_DEPTH} levels`,
        ),
        r.stdout + r.stderr,
      );
    });
  }
});
