import assert from "node:assert/strict";
import { parseCodexArgChoices, readCodexProvider } from "../../src/run/codex_provider.ts";
import { planCodexRun } from "../../src/run/codex_run_args.ts";
import { runCli } from "../_fakes/run_cli.ts";
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

const ID = "01a24c23-1b47-73d3-aa95-505f46ba4e52";

/** A minimal rollout as Codex writes it: a session_meta first line. */
function rollout(provider: string): string {
  const payload = {
    id: ID,
    timestamp: "2026-12-01T10:00:00.000Z",
    cwd: "/work/app",
    originator: "codex_exec",
    cli_version: "0.171.0",
    model_provider: provider,
  };
  return JSON.stringify({ timestamp: payload.timestamp, type: "session_meta", payload }) + "\n";
}

Deno.test("readCodexProvider(): arguments, session, profile, config.toml, then openai", async (t) => {
  await using home = await createTempHome();
  const paths = home.paths;
  const provider = async (args: string[]) => (await readCodexProvider(paths, args)).provider;
  await t.step("no config.toml: the built-in openai", async () => {
    assert.deepEqual(await readCodexProvider(paths, []), {
      provider: "openai",
      hasTable: false,
      source: "default",
    });
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
  await home.write(
    ".codex/work.config.toml",
    'model_provider = "work_relay"\n[model_providers.work_relay]\nbase_url = "https://w.invalid"\n',
  );
  await home.write(".codex/plain.config.toml", 'model = "m"\n');
  await t.step("config.toml's model_provider, with its table", async () => {
    assert.deepEqual(await readCodexProvider(paths, ["exec", "hi"]), {
      provider: "relay",
      hasTable: true,
      source: "config",
    });
  });
  await t.step("a profile file (its table counts)", async () => {
    assert.deepEqual(await readCodexProvider(paths, ["-p", "work"]), {
      provider: "work_relay",
      hasTable: true,
      source: "profile",
    });
  });
  await t.step("a [profiles] table (no provider table)", async () => {
    assert.deepEqual(await readCodexProvider(paths, ["--profile", "old"]), {
      provider: "legacy",
      hasTable: false,
      source: "profile",
    });
  });
  await t.step("a profile without a provider keeps config.toml's", async () => {
    assert.equal(await provider(["-p", "plain"]), "relay");
  });
  await home.write(
    `.codex/sessions/2026/12/01/rollout-2026-12-01T10-00-00-${ID}.jsonl`,
    rollout("openai"),
  );
  await t.step("resume <id>: the session's recorded provider", async () => {
    assert.deepEqual(await readCodexProvider(paths, ["resume", ID]), {
      provider: "openai",
      hasTable: false,
      source: "session",
    });
    assert.equal(await provider(["exec", "--json", "resume", ID, "go on"]), "openai");
    assert.equal(await provider(["resume", "--last"]), "relay");
    assert.equal(await provider(["resume", "01a24c23-0000-0000-0000-000000000000"]), "relay");
  });
  await t.step("-c model_provider beats everything", async () => {
    assert.equal(await provider(["-p", "work", "-c", "model_provider=x", "resume", ID]), "x");
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
  await home.write(
    ".codex/config.toml",
    'model_provider = "relay"\n[model_providers.relay]\nbase_url = "https://relay.invalid/v1"\n',
  );
  assert.deepEqual((await planCodexRun(home.paths, [])).overrides(url).args, [
    "-c",
    'model_provider="relay"',
    "-c",
    `model_providers.relay.base_url="${url}"`,
  ]);
  // a codex_proxy session after switch-off: no table, so it is defined whole
  await home.write(
    `.codex/sessions/2026/12/01/rollout-2026-12-01T10-00-00-${ID}.jsonl`,
    rollout("codex_proxy"),
  );
  assert.deepEqual((await planCodexRun(home.paths, ["resume", ID])).overrides(url).args, [
    "-c",
    'model_provider="codex_proxy"',
    "-c",
    `model_providers.codex_proxy={name="codex-helper",base_url="${url}",wire_api="responses"}`,
  ]);
  await assert.rejects(
    () => planCodexRun(home.paths, ["--config", "model_provider=ollama"]),
    /Cannot run Codex through the proxy: the built-in provider "ollama"/,
  );
});

Deno.test("planCodexRun() while switched on keeps the provider switch-on replaced, not codex_proxy", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex/config.toml",
    'model_provider = "relay"\n[model_providers.relay]\nbase_url = "https://relay.invalid/v1"\n',
  );
  const on = await runCli(["switch-on", "--port", "4000"], { env: home.env });
  assert.equal(on.code, 0, on.stderr);
  const url = "http://127.0.0.1:4001";
  const plan = await planCodexRun(home.paths, ["exec", "hi"]);
  assert.equal(plan.provider, "relay");
  assert.deepEqual(plan.overrides(url).args, [
    "-c",
    'model_provider="relay"',
    "-c",
    `model_providers.relay.base_url="${url}"`,
  ]);
  // an explicit choice still wins
  const explicit = await planCodexRun(home.paths, ["-c", "model_provider=codex_proxy"]);
  assert.equal(explicit.provider, "codex_proxy");
});
