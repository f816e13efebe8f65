import assert from "node:assert/strict";
import { readConfig } from "../../src/config/store.ts";
import { type CliResult, runCli } from "../_fakes/run_cli.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";

const SECRET = "sk-test-plain-7c6b5a4d3e2f1111";

function cli(home: TempHome, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(["config", ...args], { env: { ...home.env, ...env } });
}

function assertOneLineError(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, message);
}

Deno.test("config add / add-upstream / list / remove-upstream / set-active / remove", async () => {
  await using home = await createTempHome();
  let r = await cli(home, [
    "add",
    "work",
    "--base-url",
    "https://a.example.com/v1",
    "--auth-token",
    SECRET,
    "--tag",
    "region=eu",
    "--alias",
    "Work",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Added codex config "work" .*now active/);
  assert.match(r.stderr, /^note: .*--auth-token-env/);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1);

  r = await cli(home, [
    "add-upstream",
    "work",
    "--base-url",
    "https://b.example.com/v1",
    "--auth-token-env",
    "B_KEY",
    "--position",
    "1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "no note for an env reference");
  r = await cli(home, [
    "add",
    "spare",
    "--base-url",
    "https://c.example.com",
    "--api-key-env",
    "C_KEY",
  ]);
  assert.equal(r.code, 0, r.stderr);

  r = await cli(home, ["list"], { B_KEY: "sk-test-env-value-0001" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\* work \(alias: Work\)\n {4}1\. https:\/\/b\.example\.com\/v1 {2}auth_token from \$B_KEY\n {4}2\. https:\/\/a\.example\.com\/v1 {2}auth_token sk-\.\.\.1111 {2}tags: region=eu\n {2}spare\n {4}1\. https:\/\/c\.example\.com {2}api_key from \$C_KEY \(not set here\)/,
  );
  assert.ok(!r.stdout.includes(SECRET) && !r.stdout.includes("sk-test-env-value"));

  r = await cli(home, ["list", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(SECRET));
  const json = JSON.parse(r.stdout);
  assert.equal(json.active, "work");
  assert.deepEqual(json.configs.map((c: { name: string }) => c.name), ["work", "spare"]);

  r = await cli(home, ["remove-upstream", "work", "https://b.example.com/v1"]);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(home, ["set-active", "spare"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Active codex config: "spare"/);
  r = await cli(home, ["remove", "spare"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /was the active config/);

  const { config } = await readConfig(home.paths);
  assert.deepEqual(Object.keys(config.codex.configs), ["work"]);
  assert.equal(config.codex.active, undefined);
  assert.deepEqual(config.codex.configs.work!.upstreams.map((u) => u.base_url), [
    "https://a.example.com/v1",
  ]);
  assert.deepEqual(config.claude.configs, {});
});

Deno.test("config --claude edits only the claude section", async () => {
  await using home = await createTempHome();
  let r = await cli(home, [
    "add",
    "anthropic",
    "--claude",
    "--base-url",
    "https://api.anthropic.com",
    "--api-key-env",
    "ANTHROPIC_API_KEY",
  ]);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(home, ["list", "--claude"]);
  assert.match(r.stdout, /^claude configs .*\n\* anthropic/);
  r = await cli(home, ["list"]);
  assert.match(r.stdout, /No codex configs yet/);
  r = await cli(home, ["set-active", "anthropic"]);
  assertOneLineError(r, 1, /No codex config named "anthropic"; known: \(none\)/);
});

Deno.test("config commands reject bad input with one-line errors and exit codes 1 and 2", async (t) => {
  await using home = await createTempHome();
  await cli(home, ["add", "work", "--base-url", "https://a.example.com", "--auth-token-env", "A"]);
  const cases: { args: string[]; code: number; message: RegExp }[] = [
    {
      args: ["add", "x", "--base-url", "not-a-url"],
      code: 2,
      message: /--base-url \(value not shown\): not an http\(s\) URL/,
    },
    { args: ["add", "x"], code: 2, message: /required option '--base-url <url>'/ },
    { args: ["add", "x y", "--base-url", "https://x"], code: 2, message: /Invalid config name/ },
    {
      args: ["add", "x", "--base-url", "https://x", "--auth-token-env", "A-B"],
      code: 2,
      message: /not an environment variable name/,
    },
    {
      args: ["add", "x", "--base-url", "https://x", "--tag", "oops"],
      code: 2,
      message: /expected key=value/,
    },
    {
      args: ["add", "x", "--base-url", "https://x", "--api-key", "k", "--api-key-env", "K"],
      code: 2,
      message: /not both/,
    },
    {
      args: ["add-upstream", "work", "--base-url", "https://x", "--position", "7"],
      code: 2,
      message: /1 to 2/,
    },
    {
      args: ["add-upstream", "work", "--base-url", "https://x", "--position", "x"],
      code: 2,
      message: /--position "x"/,
    },
    { args: ["list", "--bogus"], code: 2, message: /unknown option '--bogus'; run with --help/ },
    { args: ["add", "work", "--base-url", "https://x"], code: 1, message: /"work" already exists/ },
    {
      args: ["set-active", "wrok"],
      code: 1,
      message: /No codex config named "wrok"; known: "work"/,
    },
    { args: ["remove", "nope"], code: 1, message: /known: "work"/ },
    { args: ["remove-upstream", "work", "3"], code: 1, message: /no upstream 3/ },
    { args: ["remove-upstream", "work", "1"], code: 1, message: /only this upstream/ },
  ];
  for (const c of cases) {
    await t.step(c.args.join(" "), async () => {
      assertOneLineError(await cli(home, c.args), c.code, c.message);
    });
  }
  await t.step("config without a subcommand is a usage error", async () => {
    const r = await cli(home, []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: codex-helper config/);
  });
  await t.step("--verbose adds the stack", async () => {
    const r = await cli(home, ["set-active", "wrok", "--verbose"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: No codex config/);
    assert.match(r.stderr, /\n\s+at /);
  });
});

Deno.test("config list reports a broken config.json with line and column and leaves it", async () => {
  await using home = await createTempHome();
  const broken = '{"codex": {"configs": {}}\n,,';
  await home.write(".codex-proxy/config.json", broken);
  assertOneLineError(
    await cli(home, ["list"]),
    1,
    /config\.json": .* at line 2, column \d+; fix the file/,
  );
  assertOneLineError(await cli(home, ["set-active", "x"]), 1, /at line 2/);
  assert.equal(await Deno.readTextFile(home.paths.configJson), broken);
});

Deno.test("config import-from-codex imports, skips without --force, and warns on a missing token", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex/config.toml",
    'model_provider = "relay"\n[model_providers.relay]\nbase_url = "https://relay.example.com/v1"\nenv_key = "RELAY_API_KEY"\n',
  );
  let r = await cli(home, ["import-from-codex"]);
  // saved, so it succeeds: the missing token is a warning, never "saved and then failed"
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^warning: the active config "relay" has no token yet: .*RELAY_API_KEY.*; set RELAY_API_KEY/m,
  );
  assert.doesNotMatch(r.stderr, /^error:/m);
  assert.match(r.stdout, /Imported from ".*config\.toml": relay \(active\)/);
  assert.equal(JSON.parse(await Deno.readTextFile(home.paths.configJson)).codex.active, "relay");

  r = await cli(home, ["import-from-codex"], { RELAY_API_KEY: "sk-test-relay-0001" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Skipped, already in config\.json \(--force overwrites\): relay/);
  r = await cli(home, ["import-from-codex", "--force"], { RELAY_API_KEY: "sk-test-relay-0001" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Imported from .*: relay \(active\)/);

  await using empty = await createTempHome();
  assertOneLineError(await cli(empty, ["import-from-codex"]), 1, /Nothing to import/);
  await assert.rejects(() => Deno.stat(empty.paths.configJson), Deno.errors.NotFound);
});

Deno.test("config add from several processes at once loses no change", async () => {
  await using home = await createTempHome();
  const names = Array.from({ length: 6 }, (_, i) => `c${i}`);
  const results = await Promise.all(
    names.map((name) =>
      cli(home, [
        "add",
        name,
        "--base-url",
        `https://${name}.example.com/v1`,
        "--auth-token-env",
        "K",
      ])
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const { config } = await readConfig(home.paths);
  assert.deepEqual(Object.keys(config.codex.configs).sort(), names);
  assert.ok(names.includes(config.codex.active ?? ""));
  const leftovers = [...Deno.readDirSync(home.paths.proxyHome)].map((e) => e.name).sort();
  assert.deepEqual(leftovers, ["config.json", "config.json.bak"]);
});

Deno.test("config --help shows examples at every level", async (t) => {
  await using home = await createTempHome();
  for (
    const args of [[], ["list"], ["add"], ["add-upstream"], ["remove"], ["remove-upstream"], [
      "set-active",
    ], ["import-from-codex"]]
  ) {
    await t.step(`config ${args.join(" ")} --help`, async () => {
      const r = await cli(home, [...args, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Usage: codex-helper config/);
      assert.match(r.stdout, /Examples:\n {2}codex-helper config /);
    });
  }
});
