import assert from "node:assert/strict";
import { join } from "node:path";
import type { DoctorCheck } from "../../src/doctor/check.ts";
import { runDoctor } from "../../src/doctor/run_doctor.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import {
  claudeSwitchFiles,
  deadPort,
  startFakeStatusServer,
  switchedConfigToml,
} from "../status/fake_status_server.ts";

const PLAIN = "sk-test-plain-secret-7c41d9";
const ENV_SECRET = "sk-test-env-secret-9a0f13";
const AUTH_JSON_KEY = "sk-test-authjson-2b8e55";
const SETTINGS_TOKEN = "sk-ant-test-settings-4d6e21";

async function doctor(home: TempHome, env: Record<string, string> = {}) {
  const checks = await runDoctor(home.paths, {
    env: (k) => env[k] ?? home.getEnv(k),
    defaultPorts: { codex: deadPort(), claude: deadPort() },
  });
  const byId = new Map<string, DoctorCheck>(checks.map((c) => [c.id, c]));
  const get = (id: string): DoctorCheck => {
    const c = byId.get(id);
    assert.ok(c, `no check "${id}"`);
    return c;
  };
  return { checks, get };
}

function configWith(upstream: Record<string, unknown>): string {
  return JSON.stringify({
    codex: { active: "work", configs: { work: { name: "work", upstreams: [upstream] } } },
  });
}

Deno.test("runDoctor() on an empty home: nothing fails and no file is created", async () => {
  await using home = await createTempHome();
  const { checks } = await doctor(home);
  assert.deepEqual(checks.filter((c) => c.status === "fail"), []);
  assert.ok(checks.length >= 20);
  for (const c of checks) assert.match(c.id, /^[a-z]+\.[a-z_]+$/);
  const left: string[] = [];
  for await (const e of Deno.readDir(home.dir)) left.push(e.name);
  assert.deepEqual(left, [], "doctor wrote into the home");
});

Deno.test("runDoctor() reports each broken file with its own check", async (t) => {
  const cases: {
    name: string;
    files: Record<string, string>;
    env?: Record<string, string>;
    id: string;
    status: "warn" | "fail";
    message: RegExp;
    hint: RegExp;
  }[] = [
    {
      name: "config.toml does not parse",
      files: { ".codex/config.toml": 'model = "x"\nmodel_provider = \n' },
      id: "codex.config_toml",
      status: "fail",
      message: /Cannot parse ".*config\.toml".* at line 2, column \d+/,
      hint: /fix the file by hand/,
    },
    {
      name: "model_provider names an undefined provider",
      files: { ".codex/config.toml": 'model_provider = "myrelay"\n' },
      id: "codex.model_provider",
      status: "fail",
      message: /model_provider = "myrelay".*no \[model_providers\.myrelay\]/,
      hint: /define \[model_providers\.myrelay\]/,
    },
    {
      name: "codex_proxy without a base_url",
      files: { ".codex/config.toml": 'model_provider = "codex_proxy"\n' },
      id: "codex.model_provider",
      status: "fail",
      message: /has no base_url/,
      hint: /switch-on/,
    },
    {
      name: "a profile file bypasses the proxy",
      files: {
        ".codex/config.toml": switchedConfigToml(1),
        ".codex/fast.config.toml": 'model = "o3"\nmodel_provider = "openai"\n',
        ".codex/slow.config.toml": 'model = "o3"\n',
      },
      id: "codex.profiles",
      status: "warn",
      message:
        /^profile "fast" \(".*fast\.config\.toml"\) sets model_provider = "openai": "codex --profile fast" bypasses codex-helper$/,
      hint: /^delete model_provider from ".*fast\.config\.toml" .*, or set it to "codex_proxy"$/,
    },
    {
      name: "a legacy profile line (Codex does not start)",
      files: {
        ".codex/config.toml": 'profile = "fast"\n' + switchedConfigToml(1) +
          '\n[profiles.fast]\nmodel_provider = "openai"\n',
      },
      id: "codex.legacy_profiles",
      status: "fail",
      message: new RegExp(
        'has the legacy profile = "fast" line: Codex does not start \\("legacy `profile = "fast"` ' +
          "config is no longer supported; use `--profile fast` with `fast\\.config\\.toml` instead" +
          '"\\); its \\[profiles\\.fast\\] selects model_provider = "openai", not codex-helper$',
      ),
      hint:
        /move the settings of \[profiles\.fast\] into ".*fast\.config\.toml", delete the profile line/,
    },
    {
      name: "a legacy profile line is not reported as using codex-helper",
      files: { ".codex/config.toml": 'profile = "fast"\n' + switchedConfigToml(1) },
      id: "codex.model_provider",
      status: "fail",
      message:
        /^Codex does not start with ".*config\.toml": it has the legacy profile = "fast" line$/,
      hint: /codex\.legacy_profiles/,
    },
    {
      name: "a legacy [profiles.x] table",
      files: { ".codex/config.toml": '[profiles.work]\nmodel = "o3"\n' },
      id: "codex.legacy_profiles",
      status: "warn",
      message:
        /\[profiles\.work\] in ".*" is a legacy profile: Codex ignores it, and "codex --profile work" fails/,
      hint: /move its settings into ".*work\.config\.toml" and delete the table/,
    },
    {
      name: "inline model_providers",
      files: {
        ".codex/config.toml": 'model_provider = "x"\nmodel_providers = { x = { name = "x" } }\n',
      },
      id: "codex.config_toml",
      status: "warn",
      message: /parses, but model_providers is one inline table \(line 2, column 1\)/,
      hint: /\[model_providers\.<id>\] table/,
    },
    {
      name: "auth.json is broken",
      files: { ".codex/auth.json": '{"OPENAI_API_KEY": ' },
      id: "codex.auth_json",
      status: "fail",
      message: /Cannot parse ".*auth\.json".*line 1/,
      hint: /fix the file by hand/,
    },
    {
      name: "config.json does not parse",
      files: { ".codex-proxy/config.json": '{"codex": {,}}' },
      id: "config.json",
      status: "fail",
      message: /Cannot parse ".*config\.json".*line 1, column \d+/,
      hint: /fix the file by hand/,
    },
    {
      name: "a base_url is not a URL",
      files: { ".codex-proxy/config.json": configWith({ base_url: "relay.example/v1" }) },
      id: "config.base_urls",
      status: "fail",
      message: /base_url of codex config "work" upstream 1/,
      hint: /full URL/,
    },
    {
      name: "the active config does not exist",
      files: {
        ".codex-proxy/config.json": JSON.stringify({
          codex: { active: "gone", configs: { work: { upstreams: [] } } },
        }),
      },
      id: "codex.active_config",
      status: "fail",
      message: /active Codex config "gone" does not exist/,
      hint: /config set-active NAME.*work/,
    },
    {
      name: "an active upstream's env variable is unset",
      files: {
        ".codex-proxy/config.json": configWith({
          base_url: "https://relay.example/v1",
          auth: { auth_token_env: "RELAY_KEY_UNSET" },
        }),
      },
      id: "codex.tokens",
      status: "fail",
      message: /\$RELAY_KEY_UNSET for upstream 1 \(https:\/\/relay\.example\/v1\)/,
      hint: /export RELAY_KEY_UNSET=/,
    },
    {
      name: "a key stored in plain text",
      files: {
        ".codex-proxy/config.json": configWith({
          base_url: "https://relay.example/v1",
          auth: { auth_token: PLAIN },
        }),
      },
      id: "config.plain_secrets",
      status: "warn",
      message: /plain text.*codex "work" upstream 1 auth_token/,
      hint: /--auth-token-env/,
    },
    {
      name: "filter.json is not a list of rules",
      files: { ".codex-proxy/filter.json": '[{"op": "swap", "source": "a"}]' },
      id: "proxy.filter_json",
      status: "fail",
      message: /Invalid ".*filter\.json": rule 1: "op" must be "replace" or "remove"/,
      hint: /fix the file by hand/,
    },
    {
      name: "usage_providers.json is broken",
      files: { ".codex-proxy/usage_providers.json": '{"providers": [' },
      id: "usage.providers_json",
      status: "fail",
      message: /Cannot parse ".*usage_providers\.json".*line 1/,
      hint: /fix/,
    },
    {
      name: "Claude settings.json does not parse",
      files: { ".claude/settings.json": '{"env": {"A": }' },
      id: "claude.settings_json",
      status: "fail",
      message: /Cannot parse ".*settings\.json".*line 1/,
      hint: /fix the file by hand/,
    },
    {
      name: "Claude settings.json with comments",
      files: { ".claude/settings.json": '{\n  // mine\n  "env": {},\n}\n' },
      id: "claude.settings_json",
      status: "warn",
      message: /comments or trailing commas: Claude Code ignores/,
      hint: /plain JSON/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      for (const [path, text] of Object.entries(c.files)) await home.write(path, text);
      const check = (await doctor(home, c.env)).get(c.id);
      assert.equal(check.status, c.status, check.message);
      assert.match(check.message, c.message);
      assert.match(check.hint, c.hint);
    });
  }
});

Deno.test("runDoctor() finds the dead-port lockout for Codex and Claude Code, with the fix", async () => {
  await using home = await createTempHome();
  const port = deadPort();
  await home.write(".codex/config.toml", switchedConfigToml(port));
  const claude = claudeSwitchFiles(port);
  await home.write(".claude/settings.json", claude.settings);
  await home.write(".codex-proxy/switch_state.claude.json", claude.state);
  const { get } = await doctor(home);
  const codex = get("codex.proxy_reachable");
  assert.equal(codex.status, "fail");
  assert.match(codex.message, new RegExp(`port ${port}.*nothing answers there`));
  assert.match(codex.hint, new RegExp(`codex-helper serve --port ${port}.*switch-off`));
  const cl = get("claude.proxy_reachable");
  assert.equal(cl.status, "fail");
  assert.match(cl.message, new RegExp(`port ${port}, but no codex-helper is running`));
  assert.match(cl.hint, /serve --claude --port .*switch-off --claude/);
  assert.equal(get("codex.model_provider").status, "ok");
});

Deno.test("runDoctor() is content when a codex-helper answers where Codex and Claude Code point", async () => {
  await using server = startFakeStatusServer();
  await using home = await createTempHome();
  await home.write(".codex/config.toml", switchedConfigToml(server.port));
  const claude = claudeSwitchFiles(server.port);
  await home.write(".claude/settings.json", claude.settings);
  await home.write(".codex-proxy/switch_state.claude.json", claude.state);
  const { get } = await doctor(home);
  assert.equal(get("codex.proxy_reachable").status, "ok");
  assert.equal(get("claude.proxy_reachable").status, "ok");
  const port = get("codex.port");
  assert.equal(port.status, "ok");
  assert.match(port.message, /already serves port/);
});

Deno.test("runDoctor() flags a ~/.codex-proxy open to other users, and leaves it as it is", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    configWith({ base_url: "https://relay.example/v1", auth: { auth_token_env: "K" } }),
  );
  await Deno.chmod(home.paths.configJson, 0o600);
  await Deno.chmod(home.paths.proxyHome, 0o755);
  const check = (await doctor(home, { K: ENV_SECRET })).get("files.modes");
  assert.equal(check.status, "warn");
  assert.match(check.message, /\.codex-proxy" \(0755\)/);
  assert.match(check.hint, /^run: chmod 700 ".*\.codex-proxy"$/);
  assert.equal((await Deno.stat(home.paths.proxyHome)).mode! & 0o777, 0o755, "doctor only reads");
  await Deno.chmod(home.paths.proxyHome, 0o700);
  assert.equal((await doctor(home, { K: ENV_SECRET })).get("files.modes").status, "ok");
});

Deno.test("runDoctor() flags wide file modes (not on Windows)", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await using home = await createTempHome();
  const file = await home.write(
    ".codex-proxy/config.json",
    configWith({
      base_url: "https://relay.example/v1",
      auth: { auth_token_env: "K" },
    }),
  );
  await Deno.chmod(file, 0o644);
  const check = (await doctor(home, { K: ENV_SECRET })).get("files.modes");
  assert.equal(check.status, "warn");
  assert.match(check.message, /config\.json" \(0644\)/);
  assert.match(check.hint, /chmod 600/);
  await Deno.chmod(file, 0o600);
  assert.equal((await doctor(home, { K: ENV_SECRET })).get("files.modes").status, "ok");
});

Deno.test("runDoctor() never prints a planted secret", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: "work",
        configs: {
          work: {
            upstreams: [
              {
                base_url: `https://u:${PLAIN}@relay.example/v1?key=${PLAIN}`,
                auth: { auth_token: PLAIN },
              },
              { base_url: "https://b.example/v1", auth: { auth_token_env: "WORK_KEY" } },
              { base_url: "https://c.example/v1", auth: { api_key: PLAIN } },
            ],
          },
        },
      },
    }),
  );
  await home.write(".codex/auth.json", JSON.stringify({ OPENAI_API_KEY: AUTH_JSON_KEY }));
  await home.write(
    ".claude/settings.json",
    JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: SETTINGS_TOKEN } }),
  );
  await home.write(".codex-proxy/filter.json", JSON.stringify([{ op: "remove", source: PLAIN }]));
  const { checks } = await doctor(home, { WORK_KEY: ENV_SECRET });
  const text = JSON.stringify(checks);
  for (const secret of [PLAIN, ENV_SECRET, AUTH_JSON_KEY, SETTINGS_TOKEN]) {
    assert.ok(!text.includes(secret), `leaks ${secret}`);
    assert.ok(!text.includes(secret.slice(-6)), `leaks the end of ${secret}`);
  }
  // the checks that look at the keys did run
  assert.ok(checks.some((c) => c.id === "config.plain_secrets" && c.status === "warn"));
  assert.ok(checks.some((c) => c.id === "codex.tokens" && c.status === "ok"));
});

Deno.test("runDoctor() leaves no probe file in a writable logs folder", async () => {
  await using home = await createTempHome();
  await Deno.mkdir(home.paths.logsDir, { recursive: true });
  await Deno.writeTextFile(join(home.paths.logsDir, "requests.jsonl"), "");
  const check = (await doctor(home)).get("logs.writable");
  assert.equal(check.status, "ok");
  const names: string[] = [];
  for await (const e of Deno.readDir(home.paths.logsDir)) names.push(e.name);
  assert.deepEqual(names, ["requests.jsonl"]);
});
