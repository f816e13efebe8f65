/** `codex-helper run --claude -- claude ...` with the real Claude Code, editing no file. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { anthropicError, anthropicReply } from "../_fakes/anthropic_fake.ts";
import { HAVE_CLAUDE } from "../_fakes/claude_cli.ts";
import { runCli } from "../_fakes/run_cli.ts";
import {
  assertProxyGone,
  clientPath,
  runRunCommand,
  startedProxyPort,
} from "../_fakes/run_process.ts";
import { readRequestRecords } from "../_fakes/request_records.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { startFakeUpstream } from "../proxy/fake_upstream.ts";

const UPSTREAM_KEY = "sk-ant-test-upstream";

function claudeConfig(url: string): string {
  return JSON.stringify({
    claude: {
      active: "main",
      configs: { main: { upstreams: [{ base_url: url, auth: { api_key_env: "TEST_UPSTREAM" } }] } },
    },
  });
}

function envOf(home: TempHome, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...home.env,
    CLAUDE_CONFIG_DIR: join(home.dir, ".claude"),
    PATH: clientPath(),
    TEST_UPSTREAM: UPSTREAM_KEY,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_CODE_MAX_RETRIES: "0",
    ...extra,
  };
}

/** `run ...args` with Claude Code on PATH, never reusing a serve it was not given (runRunCommand). */
function runHelper(home: TempHome, args: string[]) {
  return runRunCommand(args, { env: envOf(home), cwd: home.dir });
}

Deno.test({
  name: "run --claude: the turn goes through the proxy even when settings.json names another URL",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using anthropic = startFakeUpstream(anthropicReply("Hello through run"));
    // settings.json's env outranks the process environment: run must still win, via --settings
    await using elsewhere = startFakeUpstream(anthropicReply("Bypassed the proxy"));
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", claudeConfig(anthropic.url));
    const settings = await home.write(
      ".claude/settings.json",
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: elsewhere.url }, model: "sonnet" }, null, 2),
    );
    const before = await Deno.readFile(settings);
    const r = await runHelper(home, ["--claude", "--", "claude", "-p", "say hello"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hello through run/);
    assert.equal(elsewhere.seen.length, 0);
    const turn = anthropic.seen.find((s) => s.path.startsWith("/v1/messages"))!;
    assert.equal(turn.headers.get("x-api-key"), UPSTREAM_KEY);
    const rec = (await readRequestRecords(home.paths.requestLog)).find((l) =>
      l.path.startsWith("/v1/messages")
    )!;
    assert.equal(rec.service, "claude");
    assert.equal(rec.outcome, "completed");
    assert.deepEqual(await Deno.readFile(settings), before);
    await assertProxyGone(r);
  },
});

Deno.test({
  name: "run --claude: the exit code is Claude Code's when the turn fails",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using anthropic = startFakeUpstream(() =>
      Response.json(anthropicError("invalid_request_error", "Rejected by the fake"), {
        status: 400,
      })
    );
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", claudeConfig(anthropic.url));
    const r = await runHelper(home, ["--claude", "--", "claude", "-p", "say hello"]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.ok(anthropic.seen.some((s) => s.path.startsWith("/v1/messages")));
    await assertProxyGone(r);
    // no settings.json before: none after
    assert.equal(
      await Deno.stat(join(home.dir, ".claude", "settings.json")).catch(() => null),
      null,
    );
  },
});

Deno.test({
  name: "run --claude reuses a serve --claude on the port instead of starting another",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using anthropic = startFakeUpstream(anthropicReply("From the running serve"));
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", claudeConfig(anthropic.url));
    await using serve = await spawnServe(["--claude"], {
      env: { ...home.env, TEST_UPSTREAM: UPSTREAM_KEY },
    });
    const r = await runHelper(home, [
      "--claude",
      "--port",
      String(serve.port),
      "--",
      "claude",
      "-p",
      "say hello",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /From the running serve/);
    assert.match(r.stderr, new RegExp(`using the proxy on port ${serve.port} `));
    assert.equal(startedProxyPort(r.stderr), undefined);
    const status = await (await fetch(`${serve.url}/__codex_helper/status`)).json();
    assert.ok(status.counters.requests >= 1);
    assert.equal((await serve.stop()).code, 0);
  },
});

Deno.test("run --claude refuses Codex and a --settings of the user's, in one line", async (t) => {
  await using home = await createTempHome();
  await t.step("codex with --claude", async () => {
    const r = await runCli(["run", "--claude", "--", "codex"], { env: home.env, cwd: home.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: "codex" is Codex, but this run is for Claude Code/);
  });
  await t.step("--settings given", async () => {
    const r = await runCli(["run", "--claude", "--", "sh", "--settings", "{}"], {
      env: home.env,
      cwd: home.dir,
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /passes its own --settings/);
  });
});
