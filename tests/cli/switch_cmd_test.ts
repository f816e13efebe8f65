import assert from "node:assert/strict";
import { createTempHome } from "../_fakes/temp_home.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { closedPort } from "../_fakes/ports.ts";

const ORIGINAL = `# mine
model = "o3"
model_provider = "openai" # keep this comment

[mcp_servers.docs]
command = "npx"
`;

Deno.test("switch-on and switch-off round-trip config.toml byte for byte", async () => {
  await using home = await createTempHome();
  const file = await home.write(".codex/config.toml", ORIGINAL);
  const port = closedPort();
  const on = await runCli(["switch-on", "--port", String(port)], { env: home.env });
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, new RegExp(`Codex now points at codex-helper on port ${port}`));
  assert.match(on.stdout, /Backup: ".*config\.toml\.codex-proxy-backup"/);
  assert.match(on.stdout, new RegExp(`start one: codex-helper serve --port ${port}`));
  const switched = await Deno.readTextFile(file);
  assert.match(switched, /^model_provider = "codex_proxy" # keep this comment$/m);
  assert.match(switched, new RegExp(`base_url = "http://127\\.0\\.0\\.1:${port}"`));

  const again = await runCli(["switch-on", "--port", String(port)], { env: home.env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already points at codex-helper/);

  const off = await runCli(["switch-off"], { env: home.env });
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Restored/);
  assert.equal(await Deno.readTextFile(file), ORIGINAL);

  const offAgain = await runCli(["switch-off"], { env: home.env });
  assert.equal(offAgain.code, 0);
  assert.match(offAgain.stdout, /not switched to codex-helper/);
});

Deno.test("switch-on reports a running codex-helper on the port", async () => {
  await using home = await createTempHome();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ name: "codex-helper" }),
  );
  const on = await runCli(["switch-on", "--port", String(server.addr.port)], { env: home.env });
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /A codex-helper answers on port/);
  assert.match(on.stdout, /Created ".*config\.toml"/);
});

Deno.test("switch-on refuses a malformed config.toml with line and column", async () => {
  await using home = await createTempHome();
  const text = `model = "o3"\n[features\n`;
  const file = await home.write(".codex/config.toml", text);
  const on = await runCli(["switch-on"], { env: home.env });
  assert.equal(on.code, 1);
  assert.match(
    on.stderr,
    /^error: Cannot parse ".*config\.toml": .* at line 2, column \d+; fix the file/m,
  );
  assert.equal(await Deno.readTextFile(file), text);
  await assert.rejects(() => Deno.stat(home.paths.codexConfigBackup), Deno.errors.NotFound);
  await assert.rejects(() => Deno.stat(home.paths.codexSwitchState), Deno.errors.NotFound);
});

Deno.test("switch-on warns about a profile that bypasses the proxy, and a stale switch", async () => {
  await using home = await createTempHome();
  const stalePort = closedPort();
  await home.write(
    ".codex/config.toml",
    `model = "o3"\n`,
  );
  await home.write(".codex/work.config.toml", `model_provider = "azure"\n`);
  assert.equal(
    (await runCli(["switch-on", "--port", String(stalePort)], { env: home.env })).code,
    0,
  );
  const moved = await runCli(["switch-on", "--port", String(closedPort())], { env: home.env });
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(
    moved.stderr,
    /warning: profile "work" \(".*work\.config\.toml"\) sets model_provider = "azure": "codex --profile work" bypasses codex-helper; delete model_provider/,
  );
  // the closed port may be taken meanwhile by a parallel test's server: then "another program"
  assert.match(
    moved.stderr,
    new RegExp(`note: .*port ${stalePort}.*(nothing|another program) answers there`),
  );
  assert.match(moved.stdout, new RegExp(`\\(was ${stalePort}\\)`));
});

Deno.test("switch-off without a record restores its keys from the backup, and explains when there is none", async () => {
  await using home = await createTempHome();
  const file = await home.write(".codex/config.toml", ORIGINAL);
  assert.equal((await runCli(["switch-on"], { env: home.env })).code, 0);
  await Deno.remove(home.paths.codexSwitchState);
  const off = await runCli(["switch-off"], { env: home.env });
  assert.equal(off.code, 0, off.stderr);
  assert.match(
    off.stdout,
    /restored model_provider and codex_proxy in ".*config\.toml" from its backup .*every other line kept/,
  );
  assert.match(off.stdout, /The file as it was: ".*config\.toml\.before-switch-off"/);
  assert.equal(await Deno.readTextFile(file), ORIGINAL);

  await Deno.remove(home.paths.codexConfigBackup);
  await Deno.writeTextFile(file, `model_provider = "codex_proxy"\n`);
  const none = await runCli(["switch-off"], { env: home.env });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no switch record and no backup; edit model_provider/);
  assert.equal(await Deno.readTextFile(file), `model_provider = "codex_proxy"\n`);
});

Deno.test("switch-on rejects a bad --port with exit code 2", async () => {
  await using home = await createTempHome();
  const result = await runCli(["switch-on", "--port", "http"], { env: home.env });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'error: Invalid --port "http": expected a number from 1 to 65535; e.g. --port 3211\n',
  );
});

Deno.test("switch-on and switch-off --help show examples", async () => {
  await using home = await createTempHome();
  for (const command of ["switch-on", "switch-off"]) {
    const help = await runCli([command, "--help"], { env: home.env });
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`Examples:\\n  codex-helper ${command}`));
  }
});
