/**
 * The real Codex CLI (installed by scripts/install_e2e_clients.sh) with a switched config.toml:
 * `codex exec` goes through a running `serve` to a fake upstream, and switching back restores
 * config.toml byte for byte.
 */
import assert from "node:assert/strict";
import { codexInstalled, runCodexExec } from "../_fakes/codex_cli.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";

const RELAY_KEY = "sk-test-switch-e2e";

/** A user's config.toml: an env_key provider, comments, an MCP server and a profile. */
function userConfig(upstreamUrl: string): string {
  return `# my settings
model = "gpt-5"
model_provider = "relay" # the usual one

[model_providers.relay]
name = "Relay"
base_url = "${upstreamUrl}/v1"
env_key = "RELAY_API_KEY"
wire_api = "responses"

# tools
[mcp_servers.x]
command = "true"
enabled = false

[profiles.fast]
model = "gpt-5-mini"
`;
}

function relayUpstream(text: string) {
  return startFakeUpstream((req) => {
    if (req.method === "POST" && new URL(req.url).pathname === "/v1/responses") {
      return sseResponse(responsesStream(text));
    }
    return new Response("not found", { status: 404 });
  });
}

async function importedHome(upstreamUrl: string): Promise<TempHome> {
  const home = await createTempHome({ RELAY_API_KEY: RELAY_KEY });
  await home.write(".codex/config.toml", userConfig(upstreamUrl));
  const imported = await runCli(["config", "import-from-codex"], { env: home.env });
  assert.equal(imported.code, 0, imported.stderr);
  return home;
}

function codexExec(home: TempHome, prompt: string) {
  // no RELAY_API_KEY here: the switched provider has no env_key; the proxy adds the upstream key
  return runCodexExec(prompt, {
    home: home.dir,
    codexHome: home.paths.codexHome,
    provider: "codex_proxy",
  });
}

async function requestLog(home: TempHome): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(home.paths.requestLog);
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test({
  name:
    "codex exec goes through serve after switch-on; switch-off restores config.toml byte for byte",
  ignore: !codexInstalled,
  async fn() {
    await using upstream = relayUpstream("switched-ok");
    await using home = await importedHome(upstream.url);
    const original = await Deno.readTextFile(home.paths.codexConfigToml);
    await using serve = await spawnServe([], { env: home.env });

    const on = await runCli(["switch-on", "--port", String(serve.port)], { env: home.env });
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, new RegExp(`A codex-helper answers on port ${serve.port}`));

    const codex = await codexExec(home, "say the word");
    assert.equal(codex.code, 0, codex.stderr);
    assert.match(codex.stdout, /switched-ok/);
    const turn = upstream.seen.find((s) => s.path === "/v1/responses");
    assert.ok(turn, upstream.seen.map((s) => s.path).join(", "));
    assert.equal(turn.headers.get("authorization"), `Bearer ${RELAY_KEY}`);

    const off = await runCli(["switch-off"], { env: home.env });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), original);

    const exit = await serve.stop();
    assert.equal(exit.code, 0, exit.stderr);
    const line = (await requestLog(home)).find((r) => r.path === "/responses");
    assert.ok(line, "a request-log line for POST /responses");
    assert.equal(line.outcome, "completed");
    assert.equal(line.upstream_base_url, `${upstream.url}/v1`);
    assert.equal(line.status_code, 200);
  },
});

Deno.test({
  name: "codex exec goes through serve --switch; SIGTERM restores config.toml byte for byte",
  ignore: !codexInstalled,
  async fn() {
    await using upstream = relayUpstream("served-while-switched");
    await using home = await importedHome(upstream.url);
    const original = await Deno.readTextFile(home.paths.codexConfigToml);
    await using serve = await spawnServe(["--switch"], { env: home.env });
    await serve.waitForLine(/^Codex now points at this proxy/);

    const codex = await codexExec(home, "say the word");
    assert.equal(codex.code, 0, codex.stderr);
    assert.match(codex.stdout, /served-while-switched/);

    const exit = await serve.stop("SIGTERM");
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), original);
    assert.equal(await Deno.stat(home.paths.codexSwitchState).catch(() => null), null);
    assert.ok((await requestLog(home)).some((r) => r.path === "/responses"));
  },
});
