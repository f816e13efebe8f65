import assert from "node:assert/strict";
import { createTempHome } from "../_fakes/temp_home.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { closedPort } from "../_fakes/ports.ts";

const SETTINGS = `{
  "model": "sonnet",
  "env": {
    "ANTHROPIC_AUTH_TOKEN": "sk-ant-test-0000",
    "DISABLE_TELEMETRY": "1"
  }
}
`;

Deno.test("switch-on --claude and switch-off --claude round-trip settings.json", async () => {
  await using home = await createTempHome();
  const file = await home.write(".claude/settings.json", SETTINGS);
  const port = closedPort();
  const on = await runCli(["switch-on", "--claude", "--port", String(port)], { env: home.env });
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, new RegExp(`Claude Code now points at codex-helper on port ${port}`));
  assert.match(on.stdout, /keeps its credential from settings\.json/);
  assert.match(on.stdout, new RegExp(`serve --claude --port ${port}`));
  assert.doesNotMatch(on.stdout + on.stderr, /sk-ant-test-0000/);
  const switched = JSON.parse(await Deno.readTextFile(file));
  assert.equal(switched.env.ANTHROPIC_BASE_URL, `http://127.0.0.1:${port}`);
  assert.equal(switched.env.ANTHROPIC_AUTH_TOKEN, "sk-ant-test-0000");

  const off = await runCli(["switch-off", "--claude"], { env: home.env });
  assert.equal(off.code, 0, off.stderr);
  assert.equal(await Deno.readTextFile(file), SETTINGS);
});

Deno.test("switch-on --claude defaults to port 3210 and refuses a malformed file", async () => {
  await using home = await createTempHome();
  const broken = '{\n  "env": {\n    "A": 1,,\n  }\n}\n';
  const file = await home.write(".claude/settings.json", broken);
  const on = await runCli(["switch-on", "--claude"], { env: home.env });
  assert.equal(on.code, 1);
  assert.match(on.stderr, /^error: .*settings\.json.*line 3/m);
  assert.equal(await Deno.readTextFile(file), broken);

  await Deno.writeTextFile(file, "{}\n");
  const ok = await runCli(["switch-on", "--claude"], { env: home.env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /port 3210/);
});

Deno.test("switch-on --claude refuses a settings.json whose ANTHROPIC_BASE_URL is written twice", async () => {
  await using home = await createTempHome();
  const text = '{\n  "env": {\n    "ANTHROPIC_BASE_URL": "https://a.example",\n' +
    '    "ANTHROPIC_BASE_URL": "https://b.example"\n  }\n}\n';
  const file = await home.write(".claude/settings.json", text);
  const r = await runCli(["switch-on", "--claude"], { env: home.env });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /"env\.ANTHROPIC_BASE_URL" is written 2 times, at lines 3 and 4/);
  assert.equal(await Deno.readTextFile(file), text);
  assert.equal(await Deno.stat(home.paths.claudeSwitchState).catch(() => undefined), undefined);
});

Deno.test("switch-off --claude with neither a record nor a backup fails like switch-off: exit 1, nothing changed", async () => {
  await using home = await createTempHome();
  const file = await home.write(
    ".claude/settings.json",
    `{\n  "env": {\n    "ANTHROPIC_BASE_URL": "http://127.0.0.1:3210"\n  }\n}\n`,
  );
  const before = await Deno.readTextFile(file);
  const r = await runCli(["switch-off", "--claude"], { env: home.env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^error: ".*settings\.json" points at http:\/\/127\.0\.0\.1:3210, but there is no switch state and no backup: remove env\.ANTHROPIC_BASE_URL from it by hand; nothing was changed\n$/,
  );
  assert.equal(await Deno.readTextFile(file), before);
});
