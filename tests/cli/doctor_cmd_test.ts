import assert from "node:assert/strict";
import { formatRunPermissionFlags } from "../../scripts/permission_flags.ts";
import { denoDir, MAIN_TS, runCli, windowsBaseEnv } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import {
  claudeSwitchFiles,
  deadPort,
  startFakeStatusServer,
  switchedConfigToml,
} from "../status/fake_status_server.ts";

/** Points both clients at `port` (so doctor never asks the default ports of this machine). */
async function switchBoth(home: { write(p: string, t: string): Promise<string> }, port: number) {
  await home.write(".codex/config.toml", switchedConfigToml(port));
  const claude = claudeSwitchFiles(port);
  await home.write(".claude/settings.json", claude.settings);
  await home.write(".codex-proxy/switch_state.claude.json", claude.state);
}

const PLAIN = "sk-test-cli-plain-3e77b2";
const ENV_SECRET = "sk-test-cli-env-d40c19";
const AUTH_KEY = "sk-test-cli-auth-a95e08";

function assertNoSecret(text: string): void {
  for (const s of [PLAIN, ENV_SECRET, AUTH_KEY]) {
    assert.ok(!text.includes(s), `leaks ${s}`);
    assert.ok(!text.includes(s.slice(-6)), `leaks the end of ${s}`);
  }
}

async function brokenHome() {
  const home = await createTempHome({ WORK_KEY: ENV_SECRET });
  await switchBoth(home, deadPort());
  await home.write(".codex/auth.json", JSON.stringify({ OPENAI_API_KEY: AUTH_KEY }));
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: "work",
        configs: {
          work: {
            upstreams: [
              { base_url: "https://a.example/v1", auth: { auth_token_env: "WORK_KEY" } },
              { base_url: "https://b.example/v1", auth: { auth_token: PLAIN } },
            ],
          },
        },
      },
    }),
  );
  await home.write(".codex-proxy/filter.json", "not json");
  return home;
}

Deno.test("doctor --json: stable document, exit 1 on a failure, no secret", async () => {
  await using home = await brokenHome();
  const run = await runCli(["doctor", "--json"], { env: home.env });
  assert.equal(run.code, 1, run.stderr);
  assertNoSecret(run.stdout + run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(doc), ["checks", "summary"]);
  const bad = doc.checks.filter((c: { status: string }) => c.status !== "ok");
  const ids = bad.map((c: { id: string }) => c.id);
  assert.ok(ids.includes("codex.proxy_reachable"), ids.join(","));
  assert.ok(ids.includes("proxy.filter_json"));
  assert.ok(ids.includes("config.plain_secrets"));
  for (const c of doc.checks) {
    assert.deepEqual(Object.keys(c), ["id", "status", "message", "hint"]);
    if (c.status !== "ok") assert.notEqual(c.hint, "", `${c.id} says what to do`);
  }
  assert.equal(
    doc.summary.fail,
    doc.checks.filter((c: { status: string }) => c.status === "fail").length,
  );
  assert.match(run.stderr, /error: doctor found \d+ failing check/);
});

Deno.test("doctor (text): every problem has a hint line; no secret", async () => {
  await using home = await brokenHome();
  const run = await runCli(["doctor"], { env: home.env });
  assert.equal(run.code, 1);
  assertNoSecret(run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /FAIL {2}codex\.proxy_reachable\s+Codex points at codex-helper on port \d+/,
  );
  assert.match(
    run.stdout,
    /-> start it with "codex-helper serve --port \d+", or run "codex-helper switch-off"/,
  );
  assert.match(run.stdout, /WARN {2}config\.plain_secrets .*\n\s+-> .*--auth-token-env/);
});

Deno.test("doctor exits 0 when only warnings remain", async () => {
  await using server = startFakeStatusServer();
  await using home = await createTempHome();
  await switchBoth(home, server.port);
  const run = await runCli(["doctor", "--json"], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.summary.fail, 0);
  assert.ok(doc.summary.warn > 0);
});

Deno.test("doctor runs under the scoped permission flags, starting no program", async () => {
  await using home = await brokenHome();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...formatRunPermissionFlags(home.paths), "--quiet", MAIN_TS, "doctor", "--json"],
    env: {
      ...windowsBaseEnv(),
      ...home.env,
      PATH: Deno.env.get("PATH") ?? "",
      NO_COLOR: "1",
      DENO_DIR: denoDir(),
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.doesNotMatch(stderr, /NotCapable|permission/i);
  assert.equal(out.code, 1, stderr);
  assert.ok(JSON.parse(stdout).checks.length >= 20);
});
