/** The real Claude Code reads a switched settings.json: it calls the local port with our token. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { switchOffClaude, switchOnClaude } from "../../src/claude/switch.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { anthropicReply } from "../_fakes/anthropic_fake.ts";
import { HAVE_CLAUDE, runClaude } from "../_fakes/claude_cli.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { startFakeUpstream } from "../proxy/fake_upstream.ts";

// Plain JSON: Claude Code ignores a settings.json with comments or trailing commas.
const SETTINGS = `{
  "model": "sonnet",
  "permissions": { "deny": ["WebFetch"] }
}`;

Deno.test({
  name: "switchOnClaude() makes the real Claude Code call the local port with a placeholder token",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using home = await createTempHome();
    const settingsFile = await home.write(".claude/settings.json", SETTINGS);
    await using up = startFakeUpstream(anthropicReply("FAKE-UPSTREAM-OK"));
    const port = Number(new URL(up.url).port);
    const on = await switchOnClaude(home.paths, { port, env: home.getEnv });
    assert.equal(on.credential, "placeholder");
    assert.deepEqual(on.warnings, []);
    const r = await runClaude("say hello", { home: home.dir });
    assert.equal(r.code, 0, `claude failed: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /FAKE-UPSTREAM-OK/);
    const messages = up.seen.filter((s) => s.path.startsWith("/v1/messages"));
    assert.ok(messages.length >= 1);
    assert.ok(messages.every((s) => s.headers.get("authorization") === "Bearer codex-helper"));
    await switchOffClaude(home.paths);
    assert.equal(await Deno.readTextFile(settingsFile), SETTINGS);
    assert.equal(await Deno.stat(join(home.dir, ".codex-proxy")).then((i) => i.isDirectory), true);
  },
});

// The settings Claude Code had before the proxy: its own endpoint and key.
function settingsWithKey(baseUrl: string): string {
  return `{
  "model": "sonnet",
  "env": {
    "ANTHROPIC_BASE_URL": "${baseUrl}",
    "ANTHROPIC_API_KEY": "sk-ant-test-own-key"
  },
  "permissions": { "deny": ["WebFetch"] }
}
`;
}

Deno.test({
  name: "serve --claude imports settings.json, switch-on --claude, claude -p, switch-off --claude",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using up = startFakeUpstream(anthropicReply("THROUGH-THE-PROXY"));
    await using home = await createTempHome();
    const original = settingsWithKey(up.url);
    const settingsFile = await home.write(".claude/settings.json", original);
    await using serve = await spawnServe(["--claude"], { env: home.env });
    assert.match(serve.firstLine, /\(claude, config "[^"]+", 1 upstream\)/);
    const port = new URL(serve.url).port;
    const on = await runCli(["switch-on", "--claude", "--port", port], { env: home.env });
    assert.equal(on.code, 0, on.stderr);
    const switched = JSON.parse(await Deno.readTextFile(settingsFile));
    assert.equal(switched.env.ANTHROPIC_BASE_URL, serve.url);

    const r = await runClaude("say hello", { home: home.dir });
    assert.equal(r.code, 0, `claude failed: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /THROUGH-THE-PROXY/);
    const turn = up.seen.find((s) => s.path === "/v1/messages?beta=true")!;
    assert.equal(turn.headers.get("x-api-key"), "sk-ant-test-own-key");
    assert.equal(turn.headers.get("authorization"), null);

    const off = await runCli(["switch-off", "--claude"], { env: home.env });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(await Deno.readTextFile(settingsFile), original);
    const stopped = await serve.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /First start: imported/);
    const log = await Deno.readTextFile(home.paths.requestLog);
    const records = log.trim().split("\n").map((l) => JSON.parse(l) as RequestRecord);
    const logged = records.find((x) => x.path === "/v1/messages")!;
    assert.equal(logged.service, "claude");
    assert.equal(logged.upstream_base_url, up.url);
    assert.equal(logged.outcome, "completed");
    assert.ok(!log.includes("sk-ant-test"));
  },
});
