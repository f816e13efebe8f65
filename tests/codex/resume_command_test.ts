import assert from "node:assert/strict";
import {
  type CodexSetup,
  formatCommandLine,
  isResumableId,
  planResume,
} from "../../src/codex/resume_command.ts";
import { readCodexSetup } from "../../src/codex/resume_setup.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const ID = "01a24c2c-24ad-75f1-8bd0-a7c65a10b972";
const PATH = `/h/.codex/sessions/2026/12/06/rollout-2026-12-06T16-24-51-${ID}.jsonl`;
const PROXY = "http://127.0.0.1:3211";

const relayOff: CodexSetup = {
  currentProvider: "relay",
  providers: { relay: { baseUrl: "https://relay.example/v1", envKey: "RELAY_KEY" } },
  openaiBaseUrl: undefined,
  proxyUrl: undefined,
  chatgptLogin: false,
};
const relayOn: CodexSetup = {
  ...relayOff,
  currentProvider: "codex_proxy",
  providers: { ...relayOff.providers, codex_proxy: { baseUrl: PROXY } },
  proxyUrl: PROXY,
};

const plan = (provider: string, setup: CodexSetup) =>
  planResume({ id: ID, modelProvider: provider, path: PATH }, setup);

Deno.test("planResume() while switched on: every provider through the proxy, id kept", async (t) => {
  await t.step("a session made through the proxy resumes as it is", () => {
    assert.deepEqual(plan("codex_proxy", relayOn), {
      argv: ["codex", "resume", ID],
      throughProxy: true,
      note: undefined,
    });
  });
  await t.step("a custom provider's session: its base_url points at the proxy", () => {
    const p = plan("relay", relayOn);
    assert.deepEqual(p.argv, [
      "codex",
      "resume",
      ID,
      "-c",
      'model_provider="relay"',
      "-c",
      `model_providers.relay.base_url="${PROXY}"`,
    ]);
    assert.equal(p.throughProxy, true);
  });
  await t.step("the built-in openai provider: openai_base_url", () => {
    assert.deepEqual(plan("openai", relayOn).argv?.slice(3), [
      "-c",
      'model_provider="openai"',
      "-c",
      `openai_base_url="${PROXY}"`,
    ]);
  });
  await t.step("a provider no longer in config.toml: a whole table to the proxy", () => {
    const p = plan("gone", relayOn);
    assert.equal(p.throughProxy, true);
    assert.match(p.argv![6]!, /^model_providers\.gone=\{name="gone",base_url="http/);
  });
  await t.step("a local built-in provider is not sent through the proxy", () => {
    const p = plan("ollama", relayOn);
    assert.deepEqual(p.argv?.slice(3), ["-c", 'model_provider="ollama"']);
    assert.equal(p.throughProxy, false);
    assert.match(p.note!, /built-in/);
  });
});

Deno.test("planResume() while switched off", async (t) => {
  await t.step("the current provider's session: plain codex resume", () => {
    assert.deepEqual(plan("relay", relayOff).argv, ["codex", "resume", ID]);
  });
  await t.step("a codex_proxy session goes straight to the current provider", () => {
    const p = plan("codex_proxy", relayOff);
    assert.equal(p.throughProxy, false);
    assert.deepEqual(p.argv?.slice(3), [
      "-c",
      'model_provider="codex_proxy"',
      "-c",
      'model_providers.codex_proxy={name="codex-helper",base_url="https://relay.example/v1",' +
      'wire_api="responses",env_key="RELAY_KEY"}',
    ]);
  });
  await t.step("a codex_proxy session with openai current: the login is used", () => {
    const p = plan("codex_proxy", { ...relayOff, currentProvider: undefined, providers: {} });
    assert.match(
      p.argv![6]!,
      /base_url="https:\/\/api\.openai\.com\/v1".*requires_openai_auth=true/,
    );
  });
  await t.step("another defined provider is selected by id", () => {
    assert.deepEqual(plan("openai", relayOff).argv?.slice(3), ["-c", 'model_provider="openai"']);
  });
  await t.step("an undefined provider: no command, and why", () => {
    const p = plan("gone", relayOff);
    assert.equal(p.argv, null);
    assert.match(p.note!, /"gone" is no longer in config.toml/);
  });
  await t.step("a codex-helper running (not switched on) is used", () => {
    const p = plan("relay", { ...relayOff, proxyUrl: PROXY });
    assert.equal(p.throughProxy, true);
    assert.equal(p.argv![6], `model_providers.relay.base_url="${PROXY}"`);
    const proxied = plan("codex_proxy", { ...relayOff, proxyUrl: PROXY });
    assert.match(proxied.argv![6]!, /^model_providers\.codex_proxy=\{.*base_url="http:\/\/127/);
  });
  await t.step(
    "through a codex-helper that only runs, the command says it must keep running",
    () => {
      const p = plan("relay", { ...relayOff, proxyUrl: PROXY, proxyOnlyRunning: true });
      assert.equal(p.throughProxy, true);
      assert.match(
        p.note!,
        /codex-helper at http:\/\/127\.0\.0\.1:3211, which must still be running/,
      );
      assert.equal(plan("relay", { ...relayOff, proxyUrl: PROXY }).note, undefined);
    },
  );
});

Deno.test("planResume() gives no command for an id that is not a UUID matching its file", () => {
  const hostile = "x; rm -rf ~";
  assert.equal(
    planResume({ id: hostile, modelProvider: "relay", path: PATH }, relayOff).argv,
    null,
  );
  const other = "01a24c2c-24ad-75f1-8bd0-a7c65a10b973";
  assert.equal(isResumableId(other, PATH), false);
  assert.equal(isResumableId(ID, PATH), true);
  assert.equal(isResumableId(ID, PATH + ".zst"), true);
});

Deno.test("formatCommandLine() quotes what a POSIX shell would split or expand", () => {
  assert.equal(
    formatCommandLine(["codex", "resume", ID, "-c", 'model_provider="relay"', "it's"]),
    `codex resume ${ID} -c 'model_provider="relay"' 'it'\\''s'`,
  );
});

Deno.test("planResume() with a config.toml that cannot be parsed names the file, not a missing table", () => {
  const broken: CodexSetup = {
    currentProvider: undefined,
    providers: {},
    openaiBaseUrl: undefined,
    proxyUrl: undefined,
    chatgptLogin: false,
    configError: 'Cannot parse "/h/.codex/config.toml": invalid value at line 11',
  };
  for (const provider of ["relay", "openai", "codex_proxy"]) {
    const p = plan(provider, broken);
    assert.equal(p.argv, null, provider);
    assert.match(p.note ?? "", /Cannot parse "\/h\/\.codex\/config\.toml".*fix it first/);
    assert.doesNotMatch(p.note ?? "", /no longer/);
  }
});

Deno.test("readCodexSetup() reports a config.toml that cannot be parsed in the setup", async () => {
  await using home = await createTempHome();
  await home.write(".codex/config.toml", 'model_provider = "relay"\nmodel_provider = \n');
  const read = await readCodexSetup(home.paths, { probe: () => Promise.resolve("none") });
  assert.match(read.setup.configError ?? "", /config\.toml/);
  assert.equal(read.warnings.length, 1);
});
