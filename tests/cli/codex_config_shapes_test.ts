import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { switchedConfigToml } from "../status/fake_status_server.ts";

const INLINE = 'model_provider = "x"\nmodel_providers = { x = { name = "x", base_url = ' +
  '"https://x.example/v1" }, y = { name = "y", base_url = "https://y.example/v1" } }\n';

Deno.test("inline model_providers: switch-off has nothing to do, switch-on says exactly what to change", async () => {
  await using home = await createTempHome();
  const file = await home.write(".codex/config.toml", INLINE);
  const off = await runCli(["switch-off"], { env: home.env });
  assert.equal(off.code, 0, off.stderr);
  assert.match(
    off.stdout,
    /^Codex is not switched to codex-helper \(".*config\.toml"\); nothing to do$/m,
  );
  const on = await runCli(["switch-on"], { env: home.env });
  assert.equal(on.code, 1);
  assert.equal(
    on.stderr,
    `error: Cannot switch "${file}": model_providers is one inline table (model_providers = { ... }) ` +
      "at line 2, column 1, and TOML allows no provider to be added to it; write each provider as " +
      "its own table ([model_providers.x], [model_providers.y]) with its keys on the lines below, " +
      "then run switch-on again; the file was left untouched\n",
  );
  assert.equal(await Deno.readTextFile(file), INLINE);
  await assert.rejects(() => Deno.stat(home.paths.codexSwitchState), Deno.errors.NotFound);
  await assert.rejects(() => Deno.stat(home.paths.codexConfigBackup), Deno.errors.NotFound);
  const status = await runCli(["status"], { env: home.env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /Codex:\n {2}not switched/);
  assert.doesNotMatch(status.stdout, /problem/);
});

Deno.test("status names a legacy profile line (Codex does not start) instead of 'switched on' alone", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex/config.toml",
    'profile = "fast"\n' + switchedConfigToml(1) + '\n[profiles.fast]\nmodel_provider = "openai"\n',
  );
  const status = await runCli(["status"], { env: home.env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    /problem: ".*config\.toml" has the legacy profile = "fast" line: Codex does not start .*; its \[profiles\.fast\] selects model_provider = "openai", not codex-helper; move the settings/,
  );
});
