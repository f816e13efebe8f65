import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { prepareServeSwitch } from "../../src/cli/serve_switch.ts";
import type { ClientSwitch } from "../../src/cli/client_switch.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { closedPort } from "../_fakes/ports.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, exists, type TempHome } from "../_fakes/temp_home.ts";

const USER_CONFIG = `# my Codex settings
model = "gpt-5"
model_provider = "relay" # the usual one

[model_providers.relay]
name = "Relay"
base_url = "https://relay.example/v1"
env_key = "RELAY_KEY"

[mcp_servers.docs]
command = "docs-server"
args = ["--stdio"]

[profiles.fast]
model = "gpt-5-mini"
`;

const KEY = { TEST_UPSTREAM_KEY: "sk-test-serve-switch" };

async function homeWithConfig(configToml = USER_CONFIG): Promise<TempHome> {
  const home = await createTempHome(KEY);
  await home.write(".codex/config.toml", configToml);
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: "main",
        configs: {
          main: {
            upstreams: [{
              base_url: "https://upstream.example/v1",
              auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
            }],
          },
        },
      },
    }),
  );
  return home;
}

async function codexBaseUrl(home: TempHome): Promise<unknown> {
  const value = parse(await Deno.readTextFile(home.paths.codexConfigToml));
  const providers = value.model_providers as Record<string, Record<string, unknown>>;
  return value.model_provider === "codex_proxy" ? providers.codex_proxy?.base_url : undefined;
}

Deno.test("serve --switch points Codex at the bound port and restores config.toml on SIGTERM", async () => {
  await using home = await homeWithConfig();
  await using serve = await spawnServe(["--switch"], { env: home.env });
  await serve.waitForLine(/^Codex now points at this proxy on port \d+/);
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${serve.port}`);
  assert.ok(await exists(home.paths.codexSwitchState));
  const status = await (await fetch(`${serve.url}/__codex_helper/status`)).json();
  assert.equal(status.name, "codex-helper");

  const exit = await serve.stop("SIGTERM");
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^Codex switched back/m);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), USER_CONFIG);
  assert.equal(await exists(home.paths.codexSwitchState), false);
});

Deno.test("serve --switch repairs a stale switch left by a dead run, then restores the original", async () => {
  await using home = await homeWithConfig();
  const dead = closedPort();
  const on = await runCli(["switch-on", "--port", String(dead)], { env: home.env });
  assert.equal(on.code, 0, on.stderr);
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${dead}`);

  await using serve = await spawnServe(["--switch"], { env: home.env });
  const line = await serve.waitForLine(/^Repaired a stale switch/);
  assert.match(line, new RegExp(`port ${dead}\\b.*now uses port ${serve.port}`));
  await serve.waitForLine(/^Codex now points at this proxy/);
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${serve.port}`);

  const exit = await serve.stop();
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), USER_CONFIG);
  assert.equal(await exists(home.paths.codexSwitchState), false);
});

Deno.test("plain serve warns in one line about a stale switch and leaves the file alone", async () => {
  await using home = await homeWithConfig();
  const dead = closedPort();
  assert.equal((await runCli(["switch-on", "--port", String(dead)], { env: home.env })).code, 0);
  const switched = await Deno.readTextFile(home.paths.codexConfigToml);

  await using serve = await spawnServe([], { env: home.env });
  const exit = await serve.stop();
  assert.equal(exit.code, 0, exit.stderr);
  const warnings = exit.stderr.split("\n").filter((l) => l.startsWith("warning:"));
  assert.equal(warnings.length, 1, exit.stderr);
  assert.match(warnings[0]!, new RegExp(`port ${dead}\\b`));
  assert.match(warnings[0]!, /"codex-helper switch-off", or "codex-helper serve --switch"/);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), switched);
});

Deno.test("serve --switch with a malformed config.toml exits 1 naming line and column, writes nothing", async () => {
  const broken = `model = "gpt-5"\nmodel_provider = \n`;
  await using home = await homeWithConfig(broken);
  const r = await runCli(["serve", "--port", "0", "--switch"], { env: home.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: .*config\.toml.*line 2, column \d+/m);
  assert.doesNotMatch(r.stdout, /listening/);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), broken);
  assert.equal(await exists(home.paths.codexSwitchState), false);
  assert.equal(await exists(home.paths.codexConfigBackup), false);
  assert.equal(await exists(home.paths.requestLog), false);
});

Deno.test("serve --switch refuses a host the client cannot reach at 127.0.0.1", async () => {
  await using home = await homeWithConfig();
  const r = await runCli(["serve", "--port", "0", "--switch", "--host", "::1"], { env: home.env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--switch needs --host 127\.0\.0\.1/);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), USER_CONFIG);
});

Deno.test("serve --switch says loudly when it cannot switch back, and names the fix", async () => {
  await using home = await homeWithConfig();
  await using serve = await spawnServe(["--switch"], { env: home.env });
  await serve.waitForLine(/^Codex now points at this proxy/);
  const broken = "model_provider = \n";
  await Deno.writeTextFile(home.paths.codexConfigToml, broken);
  const exit = await serve.stop();
  assert.equal(exit.code, 1);
  assert.match(
    exit.stderr,
    /^error: Cannot switch Codex back: .*line 1.*; fix it with "codex-helper switch-off"/m,
  );
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), broken);
});

Deno.test("serve --switch hands Codex back to an earlier proxy that still runs", async () => {
  await using home = await homeWithConfig();
  await using first = await spawnServe([], { env: home.env });
  assert.equal(
    (await runCli(["switch-on", "--port", String(first.port)], { env: home.env })).code,
    0,
  );

  await using second = await spawnServe(["--switch"], { env: home.env });
  await second.waitForLine(/^Codex now points at this proxy .*to the codex-helper on port \d+/);
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${second.port}`);
  const exit = await second.stop();
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${first.port}`);
  assert.match(exit.stdout, new RegExp(`points back at the codex-helper on port ${first.port}`));
});

Deno.test("serve --switch leaves a switch alone that was moved to another port while serving", async () => {
  await using home = await homeWithConfig();
  await using serve = await spawnServe(["--switch"], { env: home.env });
  await serve.waitForLine(/^Codex now points at this proxy/);
  const other = closedPort();
  assert.equal((await runCli(["switch-on", "--port", String(other)], { env: home.env })).code, 0);
  const exit = await serve.stop();
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, new RegExp(`points at port ${other} \\(changed while serving\\)`));
  assert.equal(await codexBaseUrl(home), `http://127.0.0.1:${other}`);
});

function recordingContext(lines: string[]): CliContext {
  return {
    env: () => undefined,
    paths: () => {
      throw new Error("not used");
    },
    cwd: () => "/",
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
  };
}

function fakeTarget(overrides: Partial<ClientSwitch>): ClientSwitch {
  return {
    client: "Claude Code",
    file: "settings.json",
    offCommand: "codex-helper switch-off --claude",
    serveCommand: "codex-helper serve --claude --switch",
    check: () => Promise.resolve(),
    currentPort: () => Promise.resolve(undefined),
    stale: () => Promise.resolve(undefined),
    on: () => Promise.resolve([]),
    off: () => Promise.resolve([]),
    ...overrides,
  };
}

Deno.test("prepareServeSwitch() has nothing to undo when switch-on fails after listening", async () => {
  const lines: string[] = [];
  const sw = await prepareServeSwitch(recordingContext(lines), {
    service: "claude",
    enabled: true,
    port: 0,
    target: fakeTarget({
      on: () => Promise.reject(new Error("disk full")),
      off: () => Promise.reject(new Error("off called")),
    }),
  });
  const addr = { transport: "tcp", hostname: "127.0.0.1", port: 4321 } as Deno.NetAddr;
  await assert.rejects(sw.attach({ addr }), /disk full/);
  assert.deepEqual(lines, []);
  await sw.release(); // off() would fail the test: it is not called
});

Deno.test("prepareServeSwitch() switches the given client off on release", async () => {
  const lines: string[] = [];
  const calls: string[] = [];
  let current: number | undefined;
  const sw = await prepareServeSwitch(recordingContext(lines), {
    service: "claude",
    enabled: true,
    port: 0,
    target: fakeTarget({
      currentPort: () => Promise.resolve(current),
      on: (port) => {
        calls.push(`on ${port}`);
        current = port;
        return Promise.resolve([]);
      },
      off: () => {
        calls.push("off");
        current = undefined;
        return Promise.resolve([]);
      },
    }),
  });
  const addr = { transport: "tcp", hostname: "127.0.0.1", port: 4321 } as Deno.NetAddr;
  await sw.attach({ addr });
  await sw.release();
  await sw.release();
  assert.deepEqual(calls, ["on 4321", "off"]);
  assert.match(lines.join("\n"), /^Claude Code now points at this proxy on port 4321/m);
  assert.match(lines.join("\n"), /^Claude Code switched back/m);
});

Deno.test("serve --claude --switch points settings.json at the bound port and restores it on SIGTERM", async () => {
  await using home = await createTempHome(KEY);
  const settings =
    '{\n  // mine\n  "model": "opus",\n  "env": { "ANTHROPIC_API_KEY": "sk-test-claude" }\n}\n';
  const file = await home.write(".claude/settings.json", settings);
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      claude: {
        active: "main",
        configs: {
          main: {
            upstreams: [{
              base_url: "https://anthropic.example",
              auth: { auth_token_env: "TEST_UPSTREAM_KEY" },
            }],
          },
        },
      },
    }),
  );
  await using serve = await spawnServe(["--claude", "--switch"], { env: home.env });
  await serve.waitForLine(/^Claude Code now points at this proxy on port \d+/);
  assert.match(await Deno.readTextFile(file), new RegExp(`"ANTHROPIC_BASE_URL": "${serve.url}"`));
  const exit = await serve.stop();
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^Claude Code switched back/m);
  assert.equal(await Deno.readTextFile(file), settings);
  assert.equal(await exists(home.paths.claudeSwitchState), false);
});
