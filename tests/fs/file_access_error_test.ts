import assert from "node:assert/strict";
import { join } from "node:path";
import { CliError } from "../../src/errors.ts";
import { readTextIfExists } from "../../src/fs/atomic_write.ts";
import { FileAccessError, toFileAccessError } from "../../src/fs/file_access_error.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("toFileAccessError() names the file and the fix, and passes CliError through", async (t) => {
  const file = join("home", "config.json");
  await t.step("a folder in place of the file", () => {
    const error = toFileAccessError(new Deno.errors.IsADirectory("os error 21"), file);
    assert.ok(error instanceof FileAccessError);
    assert.equal(error.message, `Cannot read "${file}": it is a folder, not a file`);
    assert.match(error.hint ?? "", /move the folder/);
  });
  await t.step("permission denied", () => {
    const error = toFileAccessError(new Deno.errors.PermissionDenied("os error 13"), file);
    assert.ok(error instanceof FileAccessError);
    assert.match(error.message, /permission denied/);
  });
  await t.step("a CliError and NotCapable are returned as they are", () => {
    const cli = new CliError("x");
    assert.equal(toFileAccessError(cli, file), cli);
    const refused = new Deno.errors.NotCapable("Requires read access");
    assert.equal(toFileAccessError(refused, file), refused);
  });
});

Deno.test("readTextIfExists() reports a folder in place of the file by name", async () => {
  await using home = await createTempHome();
  const path = join(home.dir, "settings.json");
  await Deno.mkdir(path);
  await assert.rejects(() => readTextIfExists(path), (error: unknown) => {
    assert.ok(error instanceof FileAccessError);
    assert.equal(error.file, path);
    return true;
  });
  assert.equal(await readTextIfExists(join(home.dir, "missing.json")), undefined);
});

Deno.test("a folder in place of config.json, config.toml or settings.json: one line naming it", async (t) => {
  const cases = [
    {
      args: ["config", "list"],
      path: (h: { paths: { configJson: string } }) => h.paths.configJson,
    },
    {
      args: ["switch-on"],
      path: (h: { paths: { codexConfigToml: string } }) => h.paths.codexConfigToml,
    },
    {
      args: ["switch-off", "--claude"],
      path: (h: { paths: { claudeSettings: string } }) => h.paths.claudeSettings,
    },
  ];
  for (const c of cases) {
    await t.step(c.args.join(" "), async () => {
      await using home = await createTempHome();
      const folder = c.path(home);
      await Deno.mkdir(folder, { recursive: true });
      const r = await runCli(c.args, { env: home.env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(
        r.stderr,
        `error: Cannot read "${folder}": it is a folder, not a file; ` +
          `move the folder out of the way; it was left untouched\n`,
      );
      assert.ok((await Deno.stat(folder)).isDirectory);
    });
  }
});
