/**
 * The overrides of proxyOverrides() checked against the real Codex CLI: a thread pinned to a
 * provider resumes through the proxy with its id kept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { codexInstalled, runCodex, sessionIdOf } from "../_fakes/codex_cli.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import {
  responsesStream,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "../proxy/fake_upstream.ts";
import { proxyOverrides } from "../../src/codex/proxy_overrides.ts";

const KEYS = { RELAY_KEY: "sk-test-relay", OPENAI_API_KEY: "sk-test-openai" };

function upstream() {
  return startFakeUpstream((req) => {
    if (req.method === "POST" && new URL(req.url).pathname === "/v1/responses") {
      return sseResponse(responsesStream("resumed-ok"));
    }
    return new Response("not found", { status: 404 });
  });
}

function relayConfig(provider: string, baseUrl: string): string {
  return [
    'model = "mock-model"',
    `model_provider = "${provider}"`,
    "",
    "[model_providers.relay]",
    'name = "Relay"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    'env_key = "RELAY_KEY"',
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
  ].join("\n");
}

function switchedOn(text: string, proxyUrl: string): string {
  return text.replace(/^model_provider = .*$/m, 'model_provider = "codex_proxy"') +
    `\n[model_providers.codex_proxy]\nname = "codex-helper"\nbase_url = "${proxyUrl}"\n` +
    'wire_api = "responses"\nrequest_max_retries = 0\nstream_max_retries = 0\n';
}

async function codex(home: TempHome, args: string[]) {
  const out = await runCodex(args, { home: home.dir, codexHome: home.paths.codexHome, env: KEYS });
  const text = out.stdout + out.stderr;
  return { code: out.code, text, id: sessionIdOf(text) };
}

const exec = (home: TempHome, prompt: string, extra: string[] = []) =>
  codex(home, ["exec", "--skip-git-repo-check", ...extra, prompt]);
const resume = (home: TempHome, id: string, extra: string[]) =>
  codex(home, ["exec", "--skip-git-repo-check", "resume", id, ...extra, "go on"]);

/** A fake upstream, a proxy in front of it and a temp home, disposed together. */
interface ResumeSetup extends AsyncDisposable {
  up: Awaited<ReturnType<typeof upstream>>;
  proxy: Awaited<ReturnType<typeof startProxy>>;
  home: TempHome;
  /** Writes Codex's config.toml. */
  writeConfig(text: string): Promise<string>;
  /** Writes config.toml, then runs a first `codex exec` turn, which must succeed. */
  makeThread(config: string): Promise<{ id: string; text: string }>;
}

/** A fake upstream, a proxy in front of it and a temp home; use with `await using`. */
async function createResumeSetup(): Promise<ResumeSetup> {
  const stack = new AsyncDisposableStack();
  try {
    const up = stack.use(upstream());
    const proxy = stack.use(await startProxy({ upstreams: [`${up.url}/v1`] }));
    const home = stack.use(await createTempHome());
    const moved = stack.move();
    const writeConfig = (text: string) => home.write(join(".codex", "config.toml"), text);
    return {
      up,
      proxy,
      home,
      writeConfig,
      async makeThread(config) {
        await writeConfig(config);
        const made = await exec(home, "first");
        assert.equal(made.code, 0, made.text);
        return { id: made.id!, text: made.text };
      },
      [Symbol.asyncDispose]: () => moved.disposeAsync(),
    };
  } finally {
    await stack.disposeAsync();
  }
}

function args(r: ReturnType<typeof proxyOverrides>): string[] {
  assert.ok(r.ok);
  return r.args;
}

Deno.test({
  name: "a custom provider's thread resumes through the proxy while switched on, id kept",
  ignore: !codexInstalled,
  async fn() {
    await using setup = await createResumeSetup();
    const { up, proxy, home } = setup;
    const made = await setup.makeThread(relayConfig("relay", `${up.url}/v1`));
    await setup.writeConfig(switchedOn(relayConfig("relay", `${up.url}/v1`), proxy.url));
    const plain = await resume(home, made.id, []);
    assert.notEqual(plain.code, 0);
    assert.match(plain.text, /Cannot change this thread's model provider/);
    const r = await resume(home, made.id, args(proxyOverrides("relay", proxy.url)));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: relay/);
    assert.equal((await proxy.records()).length, 1);
  },
});

Deno.test({
  name: "a codex_proxy thread resumes after switch-off with the whole table given by -c",
  ignore: !codexInstalled,
  async fn() {
    await using setup = await createResumeSetup();
    const { up, proxy, home } = setup;
    const made = await setup.makeThread(
      switchedOn(relayConfig("relay", `${up.url}/v1`), proxy.url),
    );
    await setup.writeConfig(relayConfig("relay", `${up.url}/v1`));
    const plain = await resume(home, made.id, ["-c", 'model_provider="codex_proxy"']);
    assert.notEqual(plain.code, 0);
    assert.match(plain.text, /no longer configured|`codex_proxy` not found/);
    const through = proxyOverrides("codex_proxy", proxy.url, { missingTable: true });
    const r = await resume(home, made.id, args(through));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: codex_proxy/);
    assert.equal((await proxy.records()).length, 2);
    // and without the proxy: straight to the current provider's base_url with its env_key
    const before = up.seen.length;
    const direct = proxyOverrides("codex_proxy", `${up.url}/v1`, {
      missingTable: true,
      envKey: "RELAY_KEY",
    });
    const d = await resume(home, made.id, args(direct));
    assert.equal(d.code, 0, d.text);
    assert.equal((await proxy.records()).length, 2);
    const turn = up.seen.slice(before).find((s) => s.method === "POST");
    assert.equal(turn?.headers.get("authorization"), `Bearer ${KEYS.RELAY_KEY}`);
  },
});

Deno.test({
  name: "a thread of the built-in openai provider resumes through the proxy while switched on",
  ignore: !codexInstalled,
  async fn() {
    await using setup = await createResumeSetup();
    const { up, proxy, home } = setup;
    const openai = `model = "mock-model"\nopenai_base_url = "${up.url}/v1"\n`;
    const made = await setup.makeThread(openai);
    assert.match(made.text, /provider: openai/);
    // the fake declines the WebSocket with 426 as the proxy does: one try, then HTTP at once
    const upgrades = up.seen.filter((s) => s.method === "GET" && s.path === "/v1/responses");
    assert.equal(upgrades.length, 1);
    await setup.writeConfig(
      switchedOn(openai, proxy.url).replace(/^/, 'model_provider = "codex_proxy"\n'),
    );
    const r = await resume(home, made.id, args(proxyOverrides("openai", proxy.url)));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: openai/);
    const posts = (await proxy.records()).length;
    assert.ok(posts >= 1, "the resumed turn went through the proxy");
  },
});
