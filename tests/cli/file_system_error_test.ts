import assert from "node:assert/strict";
import { join } from "node:path";
import { fileSystemErrorHint } from "../../src/cli/file_system_error.ts";
import { CliError } from "../../src/errors.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("fileSystemErrorHint() has a fix for file errors and nothing for others", () => {
  assert.match(
    fileSystemErrorHint(new Deno.errors.NotADirectory("x")) ?? "",
    /a file is in the way/,
  );
  assert.match(
    fileSystemErrorHint(new Deno.errors.IsADirectory("x")) ?? "",
    /a folder is in the way/,
  );
  assert.match(fileSystemErrorHint(new Deno.errors.PermissionDenied("x")) ?? "", /access/);
  assert.equal(fileSystemErrorHint(new Error("x")), undefined);
  assert.equal(fileSystemErrorHint(new CliError("x")), undefined);
});

Deno.test("a file in the way of codex-helper's folder: one line with the path and the fix", async () => {
  await using home = await createTempHome();
  const blocker = await home.write("blocker", "keep me\n");
  const r = await runCli(["config", "add", "w", "--base-url", "http://127.0.0.1:9"], {
    env: { ...home.env, CODEX_PROXY_HOME: join(blocker, "proxy") },
  });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.startsWith("error: "), lines[0]);
  assert.ok(lines[0]!.includes(join(blocker, "proxy")), lines[0]);
  assert.match(lines[0]!, /; a file is in the way of a folder on that path: move it aside/);
  assert.equal(await Deno.readTextFile(blocker), "keep me\n");
});
