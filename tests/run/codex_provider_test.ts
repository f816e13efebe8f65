import assert from "node:assert/strict";
import { parseCodexArgChoices, readCodexProvider } from "../../src/run/codex_provider.ts";
import { planCodexRun } from "../../src/run/codex_run_args.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("parseCodexArgChoices() reads -c model_provider and -p in Codex's spellings", async (t) => {
  const cases: [string[], { provider?: string; profile?: string }][] = [
    [["exec", "hi"], {}],
    [["-c", 'model_provider="relay"'], { provider: "relay" }],
    [["-c", "model_provider=relay"], { provider: "relay" }],
    [["--config", "model_provider='a'", "-c", "model_provider=b"], { provider: "b" }],
    [["--config=model_provider=x"], { provider: "x" }],
    [["-cmodel_provider=y"], { provider: "y" }],
    [["-c", "model_providers.relay.base_url=x"], {}],
    [["-p", "work"], { profile: "work" }],
    [["exec", "--profile", "work"], { profile: "work" }],
    [["--profile=work"], { profile: "work" }],
    [["exec", "--", "-c", "model_provider=z"], {}],
  ];
  for (const [args, want] of cases) {
    await t.step(args.join(" "), () => {
      assert.deepEqual(parseCodexArgChoices(args), {
        provider: want.provider,
        profile: want.profile,
      });
    });
  }
});

Deno.test("readCodexProvider(): arguments, then profile, then config.toml, then openai", async (t) => {
  await using home = await createTempHome();
  const paths = home.paths;
  await t.step("no config.toml: the built-in openai", async () => {
    assert.equal(await readCodexProvider(paths, []), "openai");
  });
  await home.write(
    ".codex/config.toml",
    [
      'model_provider = "relay"',
      "[profiles.old]",
      'model_provider = "legacy"',
      "[model_providers.relay]",
      'base_url = "https://relay.invalid/v1"',
      "",
    ].join("\n"),
  );
  await home.write(".codex/work.config.toml", 'model_provider = "work_relay"\n');
  await home.write(".codex/plain.config.toml", 'model = "m"\n');
  await t.step("config.toml's model_provider", async () => {
    assert.equal(await readCodexProvider(paths, ["exec", "hi"]), "relay");
  });
  await t.step("a profile file", async () => {
    assert.equal(await readCodexProvider(paths, ["-p", "work"]), "work_relay");
  });
  await t.step("a [profiles] table", async () => {
    assert.equal(await readCodexProvider(paths, ["--profile", "old"]), "legacy");
  });
  await t.step("a profile without a provider keeps config.toml's", async () => {
    assert.equal(await readCodexProvider(paths, ["-p", "plain"]), "relay");
  });
  await t.step("-c model_provider beats everything", async () => {
    assert.equal(await readCodexProvider(paths, ["-p", "work", "-c", "model_provider=x"]), "x");
  });
});

Deno.test("planCodexRun() keeps the provider id; a built-in that cannot be sent is refused", async () => {
  await using home = await createTempHome();
  const url = "http://127.0.0.1:4000";
  const openai = await planCodexRun(home.paths, ["exec"]);
  assert.equal(openai.provider, "openai");
  assert.deepEqual(openai.overrides(url), {
    args: ["-c", 'model_provider="openai"', "-c", `openai_base_url="${url}"`],
    env: {},
  });
  await home.write(".codex/config.toml", 'model_provider = "relay"\n');
  assert.deepEqual((await planCodexRun(home.paths, [])).overrides(url).args, [
    "-c",
    'model_provider="relay"',
    "-c",
    `model_providers.relay.base_url="${url}"`,
  ]);
  await assert.rejects(
    () => planCodexRun(home.paths, ["--config", "model_provider=ollama"]),
    /Cannot run Codex through the proxy: the built-in provider "ollama"/,
  );
});
