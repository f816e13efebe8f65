import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import {
  claudeSwitchFiles,
  startFakeStatusServer,
  switchedConfigToml,
} from "../status/fake_status_server.ts";

const PLAIN = "sk-test-status-cli-5b2d8e";
const ENV_SECRET = "sk-test-status-env-c13f70";
const AUTH_KEY = "sk-test-status-auth-77a4d1";
const CLAUDE_KEY = "sk-ant-test-status-0e9b36";

Deno.test("status (text and --json) shows the live proxy of both clients and no secret", async () => {
  await using codexProxy = startFakeStatusServer();
  await using claudeProxy = startFakeStatusServer((port) => ({
    name: "codex-helper",
    service: "claude",
    port,
    upstreams: [{ base_url: `https://relay.example/v1?key=${PLAIN}`, state: "half_open" }],
  }));
  await using home = await createTempHome({ WORK_KEY: ENV_SECRET });
  await home.write(".codex/config.toml", switchedConfigToml(codexProxy.port));
  await home.write(".codex/auth.json", JSON.stringify({ OPENAI_API_KEY: AUTH_KEY }));
  const claude = claudeSwitchFiles(claudeProxy.port);
  await home.write(".claude/settings.json", claude.settings);
  await home.write(".codex-proxy/switch_state.claude.json", claude.state);
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: "work",
        configs: {
          work: {
            upstreams: [
              { base_url: "https://a.example/v1", auth: { auth_token_env: "WORK_KEY" } },
              { base_url: `https://b.example/v1?token=${PLAIN}`, auth: { auth_token: PLAIN } },
            ],
          },
        },
      },
      claude: {
        active: "anthropic",
        configs: {
          anthropic: {
            upstreams: [{ base_url: "https://api.anthropic.com", auth: { api_key: CLAUDE_KEY } }],
          },
        },
      },
    }),
  );
  const text = await runCli(["status"], { env: home.env });
  const json = await runCli(["status", "--json"], { env: home.env });
  for (const run of [text, json]) {
    assert.equal(run.code, 0, run.stderr);
    for (const s of [PLAIN, ENV_SECRET, AUTH_KEY, CLAUDE_KEY]) {
      assert.ok(!(run.stdout + run.stderr).includes(s), `leaks ${s}`);
      assert.ok(!(run.stdout + run.stderr).includes(s.slice(-6)), `leaks the end of ${s}`);
    }
  }
  assert.match(text.stdout, /^codex-helper \d+\.\d+\.\d+/);
  assert.match(text.stdout, new RegExp(`Codex:\n  switched on: port ${codexProxy.port}`));
  assert.match(text.stdout, /auth_token from \$WORK_KEY/);
  assert.match(text.stdout, /Claude Code:\n {2}switched on: port \d+ .*since 2026-11-27/);
  assert.match(text.stdout, /relay\.example\/v1\?key=\*\*\* {2}breaker half_open/);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.codex.proxy.found, "codex-helper");
  assert.equal(doc.codex.proxy.live.upstreams.length, 2);
  assert.equal(doc.claude.proxy.live.service, "claude");
  assert.equal(doc.claude.config.active, "anthropic");
  assert.equal(typeof doc.request_log.total_bytes, "number");
});
