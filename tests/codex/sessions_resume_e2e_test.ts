/**
 * The real Codex CLI: a session made before switch-on and one made while switched on are both
 * resumed, after switch-on and after switch-off, by the command `session list --json` prints;
 * through the proxy whenever one is switched on or running, straight to the provider otherwise.
 */
import assert from "node:assert/strict";
import { codexInstalled, noRetriesArgs, runCodex, sessionIdOf } from "../_fakes/codex_cli.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import {
  refusedUrl,
  responsesStream,
  sseResponse,
  startFakeUpstream,
} from "../proxy/fake_upstream.ts";

const RELAY_KEY = "sk-test-resume-e2e";

function userConfig(upstreamUrl: string): string {
  return [
    'model = "mock-model"',
    'model_provider = "relay"',
    "",
    "[model_providers.relay]",
    'name = "Relay"',
    `base_url = "${upstreamUrl}/v1"`,
    'env_key = "RELAY_API_KEY"',
    'wire_api = "responses"',
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
  ].join("\n");
}

/** `codex exec` with the given arguments (HOME, CODEX_HOME and the relay key only). */
async function codex(home: TempHome, args: string[]) {
  const out = await runCodex(args, {
    home: home.dir,
    codexHome: home.paths.codexHome,
    env: { RELAY_API_KEY: RELAY_KEY },
  });
  const text = out.stdout + out.stderr;
  return { code: out.code, text, id: sessionIdOf(text) };
}

async function proxiedTurns(home: TempHome): Promise<number> {
  const text = await Deno.readTextFile(home.paths.requestLog).catch(() => "");
  return text.split("\n").filter((l) => l.includes('"/responses"')).length;
}

/** The resume commands `session list --json` prints, by session id. */
async function resumeCommands(
  home: TempHome,
  proxyPort: string,
): Promise<Map<string, { argv: string[]; throughProxy: boolean }>> {
  const r = await runCli(
    ["session", "list", "--all", "--json", "--limit", "0", "--port", proxyPort],
    { env: home.env },
  );
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as {
    id: string;
    resume_command: string[];
    resume_through_proxy: boolean;
  }[];
  return new Map(list.map((s) => [s.id, {
    argv: s.resume_command,
    throughProxy: s.resume_through_proxy,
  }]));
}

Deno.test({
  name: "session list's resume commands resume sessions made before and while switched on",
  ignore: !codexInstalled,
  async fn() {
    let turns = 0;
    await using upstream = startFakeUpstream((req) => {
      if (req.method === "POST" && new URL(req.url).pathname === "/v1/responses") {
        return sseResponse(responsesStream(`turn-${++turns}`));
      }
      return new Response("not found", { status: 404 });
    });
    await using home = await createTempHome({ RELAY_API_KEY: RELAY_KEY });
    await home.write(".codex/config.toml", userConfig(upstream.url));
    const imported = await runCli(["config", "import-from-codex"], { env: home.env });
    assert.equal(imported.code, 0, imported.stderr);

    const before = await codex(home, ["exec", "--skip-git-repo-check", "made before"]);
    assert.equal(before.code, 0, before.text);
    await using serve = await spawnServe([], { env: home.env });
    const on = await runCli(["switch-on", "--port", String(serve.port)], { env: home.env });
    assert.equal(on.code, 0, on.stderr);
    const during = await codex(home, [
      "exec",
      "--skip-git-repo-check",
      ...noRetriesArgs("codex_proxy"),
      "made while on",
    ]);
    assert.equal(during.code, 0, during.text);
    assert.match(during.text, /provider: codex_proxy/);

    /** Resumes each session with its printed command (as `codex exec resume`). */
    const resumeAll = async (proxyPort: string, expectProxy: boolean) => {
      const commands = await resumeCommands(home, proxyPort);
      for (const id of [before.id!, during.id!]) {
        const cmd = commands.get(id);
        assert.ok(cmd, `session ${id} is listed`);
        assert.equal(cmd.throughProxy, expectProxy, cmd.argv.join(" "));
        const [program, verb, sessionId, ...overrides] = cmd.argv;
        assert.deepEqual([program, verb, sessionId], ["codex", "resume", id]);
        const proxied = await proxiedTurns(home);
        const seen = upstream.seen.length;
        const r = await codex(home, [
          "exec",
          "--skip-git-repo-check",
          "resume",
          id,
          ...overrides,
          "go on",
        ]);
        assert.equal(r.code, 0, `${cmd.argv.join(" ")}\n${r.text}`);
        assert.ok(upstream.seen.length > seen, "the upstream saw the resumed turn");
        // the serve process writes its log line when the turn ends
        if (expectProxy) {
          const end = Date.now() + 10_000;
          while ((await proxiedTurns(home)) === proxied && Date.now() < end) {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        assert.equal((await proxiedTurns(home)) > proxied, expectProxy, cmd.argv.join(" "));
      }
    };

    const nobody = new URL(refusedUrl()).port;
    // switched on: both through the proxy
    await resumeAll(nobody, true);
    const off = await runCli(["switch-off"], { env: home.env });
    assert.equal(off.code, 0, off.stderr);
    // switched off, codex-helper still running: through it
    await resumeAll(String(serve.port), true);
    // switched off, none running: straight to the provider
    const exit = await serve.stop();
    assert.equal(exit.code, 0, exit.stderr);
    await resumeAll(String(serve.port), false);
  },
});
