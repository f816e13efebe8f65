/**
 * The overrides of proxyOverrides() checked against the real Codex CLI: a thread pinned to a
 * provider resumes through the proxy with its id kept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CODEX_BIN, codexInstalled } from "../_fakes/codex_cli.ts";
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
  const out = await new Deno.Command(CODEX_BIN, {
    args,
    cwd: home.dir,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: home.dir,
      CODEX_HOME: home.paths.codexHome,
      NO_COLOR: "1",
      ...KEYS,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const text = dec.decode(out.stdout) + dec.decode(out.stderr);
  return { code: out.code, text, id: text.match(/session id: ([0-9a-f-]{36})/)?.[1] };
}

const exec = (home: TempHome, prompt: string, extra: string[] = []) =>
  codex(home, ["exec", "--skip-git-repo-check", ...extra, prompt]);
const resume = (home: TempHome, id: string, extra: string[]) =>
  codex(home, ["exec", "--skip-git-repo-check", "resume", id, ...extra, "go on"]);

function args(r: ReturnType<typeof proxyOverrides>): string[] {
  assert.ok(r.ok);
  return r.args;
}

Deno.test({
  name: "a custom provider's thread resumes through the proxy while switched on, id kept",
  ignore: !codexInstalled,
  async fn() {
    await using up = upstream();
    await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
    await using home = await createTempHome();
    const config = join(".codex", "config.toml");
    await home.write(config, relayConfig("relay", `${up.url}/v1`));
    const made = await exec(home, "first");
    assert.equal(made.code, 0, made.text);
    await home.write(config, switchedOn(relayConfig("relay", `${up.url}/v1`), proxy.url));
    const plain = await resume(home, made.id!, []);
    assert.notEqual(plain.code, 0);
    assert.match(plain.text, /Cannot change this thread's model provider/);
    const r = await resume(home, made.id!, args(proxyOverrides("relay", proxy.url)));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: relay/);
    assert.equal((await proxy.records()).length, 1);
  },
});

Deno.test({
  name: "a codex_proxy thread resumes after switch-off with the whole table given by -c",
  ignore: !codexInstalled,
  async fn() {
    await using up = upstream();
    await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
    await using home = await createTempHome();
    const config = join(".codex", "config.toml");
    await home.write(config, switchedOn(relayConfig("relay", `${up.url}/v1`), proxy.url));
    const made = await exec(home, "first");
    assert.equal(made.code, 0, made.text);
    await home.write(config, relayConfig("relay", `${up.url}/v1`));
    const plain = await resume(home, made.id!, ["-c", 'model_provider="codex_proxy"']);
    assert.notEqual(plain.code, 0);
    assert.match(plain.text, /no longer configured|`codex_proxy` not found/);
    const through = proxyOverrides("codex_proxy", proxy.url, { missingTable: true });
    const r = await resume(home, made.id!, args(through));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: codex_proxy/);
    assert.equal((await proxy.records()).length, 2);
    // and without the proxy: straight to the current provider's base_url with its env_key
    const before = up.seen.length;
    const direct = proxyOverrides("codex_proxy", `${up.url}/v1`, {
      missingTable: true,
      envKey: "RELAY_KEY",
    });
    const d = await resume(home, made.id!, args(direct));
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
    await using up = upstream();
    await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
    await using home = await createTempHome();
    const config = join(".codex", "config.toml");
    const openai = `model = "mock-model"\nopenai_base_url = "${up.url}/v1"\n`;
    await home.write(config, openai);
    const made = await exec(home, "first");
    assert.equal(made.code, 0, made.text);
    assert.match(made.text, /provider: openai/);
    // the fake declines the WebSocket with 426 as the proxy does: one try, then HTTP at once
    const upgrades = up.seen.filter((s) => s.method === "GET" && s.path === "/v1/responses");
    assert.equal(upgrades.length, 1);
    await home.write(
      config,
      switchedOn(openai, proxy.url).replace(/^/, 'model_provider = "codex_proxy"\n'),
    );
    const r = await resume(home, made.id!, args(proxyOverrides("openai", proxy.url)));
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /provider: openai/);
    const posts = (await proxy.records()).length;
    assert.ok(posts >= 1, "the resumed turn went through the proxy");
  },
});
