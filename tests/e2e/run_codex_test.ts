/** `codex-helper run -- codex ...` with the real Codex CLI, to fake upstreams, editing no file. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CodexExecResult,
  codexInstalled,
  noRetriesArgs,
  runCodex,
  sessionIdOf,
} from "../_fakes/codex_cli.ts";
import { denoEnv, MAIN_TS, runCli } from "../_fakes/run_cli.ts";
import { formatRunPermissionFlags } from "../../scripts/permission_flags.ts";
import {
  assertProxyGone,
  clientPath,
  runRunCommand,
  startedProxyPort,
} from "../_fakes/run_process.ts";
import { closedPort } from "../_fakes/ports.ts";
import { readRequestRecords } from "../_fakes/request_records.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sse, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";

const RELAY_TOML = [
  'model = "mock-model"',
  'model_provider = "relay"',
  "",
  "[model_providers.relay]",
  'name = "My relay"',
  'base_url = "https://relay.invalid/v1"',
  'wire_api = "responses"',
  'env_key = "RELAY_KEY"',
  "",
].join("\n");

/** The key Codex sends to the relay provider of RELAY_TOML. */
const RELAY_ENV = { RELAY_KEY: "sk-test-client" };

function codexUpstream(text: string, prefix = "/v1") {
  return startFakeUpstream((req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === `${prefix}/responses`) {
      return sseResponse(responsesStream(text));
    }
    if (path === `${prefix}/models`) return Response.json({ models: [] });
    return new Response("not found", { status: 404 });
  });
}

function helperConfig(configs: Record<string, { url: string; auth: object }>, active: string) {
  return JSON.stringify({
    codex: {
      active,
      configs: Object.fromEntries(
        Object.entries(configs).map(([name, c]) => [name, {
          upstreams: [{ base_url: c.url, auth: c.auth }],
        }]),
      ),
    },
  });
}

/** Writes codex-helper's config.json with Codex `configs`, `active` the active one. */
async function writeHelperConfig(
  home: TempHome,
  configs: Record<string, { url: string; auth: object }>,
  active: string,
): Promise<void> {
  await home.write(".codex-proxy/config.json", helperConfig(configs, active));
}

/** A config "main" whose upstream nobody answers (for errors raised before any request). */
const UNANSWERED_MAIN = { main: { url: "http://127.0.0.1:9/v1", auth: { auth_token: "sk-test" } } };

function envOf(home: TempHome, extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, CODEX_HOME: home.paths.codexHome, PATH: clientPath(), ...extra };
}

/** A temp home with codex-helper's config and Codex's config.toml, whose bytes are kept. */
interface RunHome extends TempHome {
  /** Path of Codex's config.toml. */
  toml: string;
  /** config.toml's bytes as written (run must leave them as they are). */
  tomlBefore: Uint8Array;
}

/** A temp home whose codex-helper config is `configs` (active `active`) and config.toml `toml`. */
async function createRunHome(
  configs: Record<string, { url: string; auth: object }>,
  options: { active: string; toml: string },
): Promise<RunHome> {
  const home = await createTempHome();
  try {
    await writeHelperConfig(home, configs, options.active);
    const toml = await home.write(".codex/config.toml", options.toml);
    return Object.assign(home, { toml, tomlBefore: await Deno.readFile(toml) });
  } catch (error) {
    await home[Symbol.asyncDispose]();
    throw error;
  }
}

/** The resume tests' pair of upstreams and their home. */
interface RelaySetup extends AsyncDisposable {
  /** Stands for the relay itself: config.toml's relay provider points at it. */
  direct: ReturnType<typeof codexUpstream>;
  /** Where codex-helper's config "main" sends the turns. */
  proxied: ReturnType<typeof codexUpstream>;
  home: RunHome;
}

/** Two upstreams answering apart ("directly" / "through the proxy") and a home wired to them. */
async function createRelaySetup(): Promise<RelaySetup> {
  const stack = new AsyncDisposableStack();
  try {
    const direct = stack.use(codexUpstream("Answered by the relay directly"));
    const proxied = stack.use(codexUpstream("Answered through the proxy"));
    const home = stack.use(
      await createRunHome(
        { main: { url: `${proxied.url}/v1`, auth: { auth_token: "sk-test-up" } } },
        {
          active: "main",
          toml: RELAY_TOML.replace("https://relay.invalid/v1", `${direct.url}/v1`),
        },
      ),
    );
    const moved = stack.move();
    return { direct, proxied, home, [Symbol.asyncDispose]: () => moved.disposeAsync() };
  } finally {
    await stack.disposeAsync();
  }
}

/** A first turn through `run` (it must succeed); the id of the session it made. */
async function firstTurnThroughRun(home: TempHome): Promise<string> {
  const made = await runRelayExec(home, ["first turn"]);
  assert.equal(made.code, 0, made.stderr);
  return sessionIdOf(made.stderr)!;
}

/** config.toml is byte for byte as written. */
async function assertTomlKept(home: RunHome): Promise<void> {
  assert.deepEqual(await Deno.readFile(home.toml), home.tomlBefore);
}

/** `run ...args` with Codex on PATH (see runRunCommand). */
function runHelper(
  home: TempHome,
  args: string[],
  extra: Record<string, string> = {},
  options: { switched?: boolean } = {},
) {
  return runRunCommand(args, { env: envOf(home, extra), cwd: home.dir, ...options });
}

/**
 * `run ...runArgs -- codex exec --skip-git-repo-check <no relay retries> ...args` with the relay's
 * key.
 */
function runRelayExec(
  home: TempHome,
  args: string[],
  options: { runArgs?: string[]; switched?: boolean } = {},
) {
  const exec = ["codex", "exec", "--skip-git-repo-check", ...noRetriesArgs("relay"), ...args];
  return runHelper(home, [...options.runArgs ?? [], "--", ...exec], RELAY_ENV, options);
}

/** Plain `codex ...args` (no codex-helper) with the relay's key and the clients on PATH. */
function runCodexDirect(home: TempHome, args: string[]): Promise<CodexExecResult> {
  return runCodex(args, {
    home: home.dir,
    codexHome: home.paths.codexHome,
    env: envOf(home, RELAY_ENV),
  });
}

/** `codex-helper ...args` in the home (e.g. switch-on), which must succeed. */
async function helperOk(home: TempHome, args: string[]): Promise<void> {
  const r = await runCli(args, { env: envOf(home, RELAY_ENV), cwd: home.dir });
  assert.equal(r.code, 0, r.stderr);
}

function records(home: TempHome) {
  return readRequestRecords(home.paths.requestLog);
}

/** The `model_provider` Codex recorded in each session it wrote under CODEX_HOME. */
async function recordedProviders(home: TempHome): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".jsonl")) {
        const first = (await Deno.readTextFile(path)).split("\n")[0]!;
        out.push(JSON.parse(first).payload.model_provider);
      }
    }
  };
  await walk(join(home.dir, ".codex", "sessions")).catch(() => {});
  return out;
}

Deno.test({
  name: "run -- codex exec: an API-key provider's turn goes through a proxy started for it",
  ignore: !codexInstalled,
  async fn() {
    await using up = codexUpstream("Hello through run");
    await using home = await createRunHome(
      { main: { url: `${up.url}/v1`, auth: { auth_token: "sk-test-upstream" } } },
      { active: "main", toml: RELAY_TOML },
    );
    const r = await runRelayExec(home, ["say hello"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hello through run/);
    assert.match(r.stderr, /codex-helper: proxy on http:\/\/127\.0\.0\.1:\d+ \(config "main"\)/);
    const turn = up.seen.find((s) => s.path === "/v1/responses")!;
    assert.equal(turn.headers.get("authorization"), "Bearer sk-test-upstream");
    const rec = (await records(home)).find((l) => l.path === "/responses")!;
    assert.equal(rec.outcome, "completed");
    assert.equal(rec.config_name, "main");
    await assertTomlKept(home);
    assert.deepEqual(await recordedProviders(home), ["relay"]);
    await assertProxyGone(r);
  },
});

Deno.test({
  name: "run -- codex: the exit code is Codex's, also when it fails",
  ignore: !codexInstalled,
  async fn(t) {
    await using up = startFakeUpstream(() =>
      Response.json({ error: { message: "bad request from the fake", type: "invalid_request" } }, {
        status: 400,
      })
    );
    await using home = await createRunHome(
      { main: { url: `${up.url}/v1`, auth: { auth_token: "sk-test-upstream" } } },
      { active: "main", toml: RELAY_TOML },
    );
    await t.step("a failed turn", async () => {
      const r = await runRelayExec(home, ["say hello"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /bad request from the fake/);
      assert.ok(up.seen.some((s) => s.path === "/v1/responses"));
      await assertProxyGone(r);
    });
    await t.step("a usage error of Codex itself", async () => {
      const r = await runHelper(home, ["--", "codex", "exec", "--no-such-flag"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--no-such-flag/);
      await assertProxyGone(r);
    });
    await assertTomlKept(home);
  },
});

/** First a tool call (Codex runs `echo`), then text: one turn, two HTTP requests. */
function toolThenTextUpstream(text: string) {
  let posts = 0;
  return startFakeUpstream((req, seen) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST" || path !== "/v1/responses") {
      return path === "/v1/models"
        ? Response.json({ models: [] })
        : new Response("", { status: 404 });
    }
    if (++posts > 1) return sseResponse(responsesStream(text, "resp_2"));
    const tools = (JSON.parse(seen.body).tools ?? []) as { name?: string }[];
    assert.ok(tools.some((t) => t.name === "exec_command"), seen.body.slice(0, 500));
    const base = { id: "resp_1", object: "response", model: "mock-model" };
    return sseResponse(
      sse({ type: "response.created", response: { ...base, status: "in_progress" } }) +
        sse({
          type: "response.output_item.done",
          output_index: 0,
          item: {
            type: "function_call",
            id: "fc_1",
            call_id: "call_1",
            name: "exec_command",
            arguments: JSON.stringify({ cmd: "echo tool-ran" }),
          },
        }) +
        sse({
          type: "response.completed",
          response: {
            ...base,
            status: "completed",
            usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
          },
        }),
    );
  });
}

Deno.test({
  name: "run -- codex with the built-in openai provider: WebSocket declined once, HTTP at once",
  ignore: !codexInstalled,
  async fn() {
    await using up = toolThenTextUpstream("Hello over HTTP");
    await using home = await createRunHome(
      { openai: { url: `${up.url}/v1`, auth: { auth_token: "sk-test-upstream" } } },
      { active: "openai", toml: 'model = "mock-model"\n' },
    );
    const r = await runHelper(
      home,
      [
        "--",
        "codex",
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "run echo, then say hello",
      ],
      { OPENAI_API_KEY: "sk-test-client" },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hello over HTTP/);
    // one declined handshake for the whole session (two requests), no reconnect loop
    assert.ok((r.stderr.match(/Responses WebSocket/g) ?? []).length <= 1, r.stderr);
    assert.doesNotMatch(r.stderr, /Reconnecting|Falling back/);
    assert.equal(up.seen.filter((s) => s.method === "GET" && s.path === "/v1/responses").length, 0);
    const posts = up.seen.filter((s) => s.method === "POST");
    assert.equal(posts.length, 2);
    assert.match(posts[1]!.body, /tool-ran/); // the tool's output went back in the second request
    const logged = (await records(home)).map((l) => `${l.method} ${l.path} ${l.status_code}`);
    assert.deepEqual(logged.filter((l) => l.includes("/responses")), [
      "POST /responses 200",
      "POST /responses 200",
    ]);
    await assertTomlKept(home);
    assert.deepEqual(await recordedProviders(home), ["openai"]);
    await assertProxyGone(r);
  },
});

function base64Url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

Deno.test({
  name: "run -- codex with a ChatGPT login: the client's own token passes through the proxy",
  ignore: !codexInstalled,
  async fn() {
    await using up = codexUpstream("Hello, ChatGPT user", "/backend-api/codex");
    await using home = await createRunHome({
      openai: { url: `${up.url}/backend-api/codex`, auth: { mode: "passthrough" } },
    }, { active: "openai", toml: 'model = "mock-model"\n' });
    const claims = {
      email: "user@example.com",
      exp: Math.floor(Date.now() / 1000) + 3600,
      "https://api.openai.com/auth": {
        chatgpt_account_id: "acct-test",
        chatgpt_plan_type: "plus",
        chatgpt_user_id: "user-test",
      },
    };
    const jwt = `${base64Url({ alg: "none", typ: "JWT" })}.${base64Url(claims)}.test`;
    const auth = await home.write(
      ".codex/auth.json",
      JSON.stringify({
        OPENAI_API_KEY: null,
        tokens: {
          id_token: jwt,
          access_token: jwt,
          refresh_token: "rt-test",
          account_id: "acct-test",
        },
        last_refresh: new Date().toISOString(),
      }),
    );
    const authBefore = await Deno.readFile(auth);
    const r = await runHelper(home, [
      "--",
      "codex",
      "exec",
      "--skip-git-repo-check",
      "--disable",
      "apps",
      "say hello",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hello, ChatGPT user/);
    const turn = up.seen.find((s) => s.method === "POST")!;
    assert.equal(turn.path, "/backend-api/codex/responses");
    assert.equal(turn.headers.get("authorization"), `Bearer ${jwt}`);
    assert.equal(turn.headers.get("chatgpt-account-id"), "acct-test");
    assert.doesNotMatch(r.stderr, /Reconnecting/);
    await assertTomlKept(home);
    assert.deepEqual(await Deno.readFile(auth), authBefore);
    await assertProxyGone(r);
  },
});

Deno.test({
  name: "run -- codex reuses a serve on the (switched) port; another --config starts its own",
  ignore: !codexInstalled,
  async fn(t) {
    await using main = codexUpstream("From the running serve");
    await using other = codexUpstream("From the other config");
    await using home = await createRunHome({
      main: { url: `${main.url}/v1`, auth: { auth_token: "sk-test-main" } },
      other: { url: `${other.url}/v1`, auth: { auth_token: "sk-test-other" } },
    }, { active: "main", toml: RELAY_TOML });
    await using serve = await spawnServe([], { env: home.env });
    const status = async () =>
      await (await fetch(`${serve.url}/__codex_helper/status`)).json() as {
        pid: number;
        counters: { requests: number };
      };
    const pid = (await status()).pid;

    await t.step("the serve on --port is used", async () => {
      const r = await runRelayExec(home, ["say hello"], {
        runArgs: ["--port", String(serve.port)],
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /From the running serve/);
      assert.match(r.stderr, new RegExp(`using the proxy on port ${serve.port} \\(pid ${pid}`));
      assert.equal(startedProxyPort(r.stderr), undefined);
      assert.equal((await status()).counters.requests, 1);
      assert.equal(other.seen.length, 0);
    });

    await t.step("--config other: the serve answers for main, so run starts its own", async () => {
      const r = await runRelayExec(home, ["say hello"], {
        runArgs: ["--port", String(serve.port), "--config", "other"],
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /From the other config/);
      assert.match(r.stderr, /serves config "main"; starting another/);
      assert.equal((await status()).counters.requests, 1);
      await assertProxyGone(r);
    });

    await t.step("switched on to the serve's port: run finds it without --port", async () => {
      await helperOk(home, ["switch-on", "--port", String(serve.port)]);
      try {
        const switched = await Deno.readFile(home.toml);
        const r = await runRelayExec(home, ["say hello"], { switched: true });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /From the running serve/);
        assert.match(r.stderr, new RegExp(`using the proxy on port ${serve.port} `));
        assert.equal((await status()).counters.requests, 2);
        assert.deepEqual(await Deno.readFile(home.toml), switched);
        // the session keeps the provider switch-on replaced: resumable after switch-off as is
        assert.deepEqual(await recordedProviders(home), ["relay", "relay", "relay"]);
      } finally {
        await helperOk(home, ["switch-off"]);
      }
    });
    await assertTomlKept(home);
    const exit = await serve.stop();
    assert.equal(exit.code, 0);
  },
});

Deno.test("run: one-line errors for a missing client, a missing config and an unknown --config", async (t) => {
  await using home = await createTempHome();
  await t.step("codex not on PATH", async () => {
    const r = await runCli(["run", "--", "codex", "exec", "hi"], {
      env: { ...home.env, PATH: join(home.dir, "empty-bin") },
      cwd: home.dir,
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^error: "codex" not found on PATH; install Codex/);
  });
  await t.step("Claude Code named without --claude", async () => {
    const r = await runCli(["run", "--", "claude", "-p", "hi"], { env: home.env, cwd: home.dir });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: "claude" is Claude Code, but this run is for Codex; run Claude/,
    );
  });
  await t.step("no permission to start programs (deno task start's flags)", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...formatRunPermissionFlags(home.paths),
        MAIN_TS,
        "run",
        "--",
        "codex",
      ],
      env: { ...denoEnv(), ...home.env, PATH: clientPath(), NO_COLOR: "1" },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.match(
      stderr,
      /^error: Cannot start "codex": this codex-helper has no permission to start programs; /,
    );
  });
  await t.step("nothing configured and nothing to import", async () => {
    const r = await runCli(["run", "--port", String(closedPort()), "--", "sh", "-c", "exit 0"], {
      env: home.env,
      cwd: home.dir,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, /codex-helper config add|codex login/);
  });
  await t.step(
    "a built-in provider the proxy cannot serve, refused before a proxy starts",
    async () => {
      await writeHelperConfig(home, UNANSWERED_MAIN, "main");
      const r = await runCli(["run", "--", "codex", "exec", "-c", "model_provider=ollama", "hi"], {
        env: envOf(home),
        cwd: home.dir,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(
        r.stderr,
        /^error: Cannot run Codex through the proxy: the built-in provider "ollama"/,
      );
    },
  );
  await t.step("the config's key variable is not set: no proxy, no client", async () => {
    await writeHelperConfig(home, {
      main: { url: "http://127.0.0.1:9/v1", auth: { auth_token_env: "RUN_TEST_UNSET_KEY" } },
    }, "main");
    const marker = join(home.dir, "client-ran");
    const r = await runCli([
      "run",
      "--port",
      String(closedPort()),
      "--",
      "sh",
      "-c",
      `: > "${marker}"`,
    ], { env: home.env, cwd: home.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^error: No usable token for config "main": .*"RUN_TEST_UNSET_KEY" is not set/,
    );
    assert.equal(await Deno.stat(marker).then(() => true, () => false), false);
  });
  await t.step("an unknown --config", async () => {
    await writeHelperConfig(home, UNANSWERED_MAIN, "main");
    const r = await runCli(["run", "--config", "nope", "--", "sh", "-c", "exit 0"], {
      env: home.env,
      cwd: home.dir,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: No codex config named "nope"; known: "main"/);
  });
});

Deno.test({
  name: "a session made with run resumes without codex-helper, and through run again",
  ignore: !codexInstalled,
  async fn(t) {
    await using setup = await createRelaySetup();
    const { direct, proxied, home } = setup;
    const id = await firstTurnThroughRun(home);
    assert.equal(proxied.seen.filter((s) => s.method === "POST").length, 1);
    assert.equal(direct.seen.length, 0);

    await t.step("plain codex resume, no codex-helper: straight to the relay", async () => {
      const out = await runCodexDirect(home, [
        "exec",
        "--skip-git-repo-check",
        ...noRetriesArgs("relay"),
        "resume",
        id,
        "second turn",
      ]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Answered by the relay directly/);
      const turn = direct.seen.find((s) => s.method === "POST")!;
      assert.match(turn.body, /first turn/); // the resumed history went along
      assert.match(turn.body, /second turn/);
    });

    await t.step("codex-helper run -- codex exec resume: through the proxy again", async () => {
      const r = await runRelayExec(home, ["resume", id, "third turn"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Answered through the proxy/);
      const turns = proxied.seen.filter((s) => s.method === "POST");
      assert.equal(turns.length, 2);
      assert.match(turns[1]!.body, /third turn/);
      assert.match(turns[1]!.body, /second turn/);
    });
    await assertTomlKept(home);
    assert.deepEqual(await recordedProviders(home), ["relay"]);
  },
});

/** Runs the `codex resume` argv that `session list --json` printed, as `codex exec ... resume`. */
function execResumeCommand(home: TempHome, argv: string[], prompt: string) {
  assert.deepEqual(argv.slice(0, 2), ["codex", "resume"]);
  const [id, ...overrides] = argv.slice(2);
  return runCodexDirect(home, [
    ...overrides,
    "exec",
    "--skip-git-repo-check",
    ...noRetriesArgs("relay"),
    "resume",
    id!,
    prompt,
  ]);
}

Deno.test({
  name: "a session made with run resumes with the command session list prints, switched on or not",
  ignore: !codexInstalled,
  async fn(t) {
    await using setup = await createRelaySetup();
    const { direct, proxied, home } = setup;
    const id = await firstTurnThroughRun(home);
    const listed = async (proxyPort: number) => {
      const r = await runCli(["session", "list", "--json", "--port", String(proxyPort)], {
        env: envOf(home, RELAY_ENV),
        cwd: home.dir,
      });
      assert.equal(r.code, 0, r.stderr);
      const sessions = JSON.parse(r.stdout) as {
        id: string;
        model_provider?: string;
        resume_command: string[] | null;
        resume_through_proxy: boolean;
      }[];
      const s = sessions.find((x) => x.id === id)!;
      assert.ok(s.resume_command !== null, r.stdout);
      return s;
    };

    await t.step("switched off, no proxy running: plain codex resume, to the relay", async () => {
      const s = await listed(closedPort());
      assert.deepEqual(s.resume_command, ["codex", "resume", id]);
      assert.equal(s.resume_through_proxy, false);
      const r = await execResumeCommand(home, s.resume_command!, "second turn");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Answered by the relay directly/);
      assert.match(direct.seen.find((x) => x.method === "POST")!.body, /first turn/);
    });

    await t.step(
      "switched on: the printed command keeps relay and goes through the proxy",
      async () => {
        await using serve = await spawnServe([], { env: home.env });
        await helperOk(home, ["switch-on", "--port", String(serve.port)]);
        try {
          const s = await listed(closedPort());
          assert.equal(s.resume_through_proxy, true);
          assert.ok(
            s.resume_command!.includes('model_provider="relay"'),
            s.resume_command!.join(" "),
          );
          const before = proxied.seen.filter((x) => x.method === "POST").length;
          const r = await execResumeCommand(home, s.resume_command!, "third turn");
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /Answered through the proxy/);
          const turns = proxied.seen.filter((x) => x.method === "POST");
          assert.equal(turns.length, before + 1);
          assert.match(turns.at(-1)!.body, /second turn/);
        } finally {
          await helperOk(home, ["switch-off"]);
        }
      },
    );
    await assertTomlKept(home);
    assert.deepEqual(await recordedProviders(home), ["relay"]);
  },
});

Deno.test({
  name: "run -- codex exec resume <id>: a session made while switched on resumes after switch-off",
  ignore: !codexInstalled,
  async fn() {
    await using setup = await createRelaySetup();
    const { direct, proxied, home } = setup;
    let id: string;
    {
      await using serve = await spawnServe([], { env: home.env });
      await helperOk(home, ["switch-on", "--port", String(serve.port)]);
      const made = await runCodexDirect(home, [
        "exec",
        "--skip-git-repo-check",
        ...noRetriesArgs("codex_proxy"),
        "first turn",
      ]);
      assert.equal(made.code, 0, made.stderr);
      id = sessionIdOf(made.stderr)!;
      await helperOk(home, ["switch-off"]);
    }
    await assertTomlKept(home);
    assert.deepEqual(await recordedProviders(home), ["codex_proxy"]);
    const r = await runHelper(home, [
      "--",
      "codex",
      "exec",
      "--skip-git-repo-check",
      "resume",
      id,
      "second turn",
    ], RELAY_ENV);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Answered through the proxy/);
    const turns = proxied.seen.filter((s) => s.method === "POST");
    assert.equal(turns.length, 2);
    assert.match(turns[1]!.body, /first turn/);
    assert.match(turns[1]!.body, /second turn/);
    assert.equal(direct.seen.length, 0);
    await assertTomlKept(home);
    await assertProxyGone(r);
  },
});
