import assert from "node:assert/strict";
import {
  activeTokenError,
  importFromCodex,
  mergeCodexImport,
} from "../../src/config/import_codex.ts";
import { readConfig, updateConfig } from "../../src/config/store.ts";
import type { CodexImportPlan } from "../../src/config/plan_codex_import.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const TOML = `# my settings
model = "gpt-5"
model_provider = "relay"

[model_providers.relay]
name = "Relay"
base_url = "https://relay.example.com/v1"
env_key = "RELAY_API_KEY"

[model_providers.spare]
base_url = "https://spare.example.com/v1"
env_key = "SPARE_API_KEY"
`;
const AUTH = '{\n  "OPENAI_API_KEY": "sk-test-openai-0001"\n}\n';

Deno.test("importFromCodex() writes every provider, reports the unresolved, only reads Codex files", async () => {
  await using home = await createTempHome({ RELAY_API_KEY: "sk-test-relay-0001" });
  await home.write(".codex/config.toml", TOML);
  await home.write(".codex/auth.json", AUTH);
  const result = await importFromCodex(home.paths, { env: home.getEnv });
  assert.equal(result.source, home.paths.codexConfigToml);
  assert.deepEqual(result.imported, ["relay", "spare"]);
  assert.deepEqual(result.skipped, []);
  assert.equal(result.active, "relay");
  assert.deepEqual(result.unresolved.map((u) => u.config), ["spare"]);
  assert.match(result.unresolved[0]!.fix, /SPARE_API_KEY/);
  assert.equal(activeTokenError(result), undefined, "only a non-active config is unresolved");
  const blocked = activeTokenError({ ...result, active: "spare" });
  assert.match(blocked?.message ?? "", /active config "spare" has no token: .*SPARE_API_KEY/);
  assert.match(blocked?.hint ?? "", /export SPARE_API_KEY=/);
  const { config } = await readConfig(home.paths);
  assert.equal(config.codex.active, "relay");
  assert.deepEqual(config.codex.configs.relay!.upstreams[0]!.auth, {
    auth_token_env: "RELAY_API_KEY",
  });
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), TOML);
  assert.equal(await Deno.readTextFile(home.paths.codexAuthJson), AUTH);
  const raw = await Deno.readTextFile(home.paths.configJson);
  assert.doesNotMatch(raw, /sk-test-relay/, "an env_key token stays in the environment");
});

Deno.test("importFromCodex() keeps existing configs unless forced", async () => {
  await using home = await createTempHome({ RELAY_API_KEY: "sk-test-relay-0001" });
  await home.write(".codex/config.toml", TOML);
  await updateConfig(home.paths, (c) => {
    c.codex.configs.relay = {
      name: "relay",
      upstreams: [{ base_url: "https://mine.example.com", auth: { auth_token_env: "MINE" } }],
    };
    c.codex.active = "relay";
  });
  const first = await importFromCodex(home.paths, { env: home.getEnv });
  assert.deepEqual(first.skipped, ["relay"]);
  assert.deepEqual(first.imported, ["spare"]);
  assert.deepEqual(first.unresolved.map((u) => u.config), ["spare"]);
  let { config } = await readConfig(home.paths);
  assert.equal(config.codex.configs.relay!.upstreams[0]!.base_url, "https://mine.example.com");
  const forced = await importFromCodex(home.paths, { env: home.getEnv, force: true });
  assert.deepEqual(forced.imported, ["relay", "spare"]);
  assert.deepEqual(forced.skipped, []);
  ({ config } = await readConfig(home.paths));
  assert.equal(config.codex.configs.relay!.upstreams[0]!.base_url, "https://relay.example.com/v1");
});

Deno.test("importFromCodex() reads the backup when Codex is switched to the proxy", async () => {
  await using home = await createTempHome();
  const switched =
    `model_provider = "codex_proxy"\n[model_providers.codex_proxy]\nbase_url = "http://127.0.0.1:3211"\nrequires_openai_auth = true\n`;
  await home.write(".codex/config.toml", switched);
  await home.write(".codex/config.toml.codex-proxy-backup", 'model = "gpt-5"\n');
  await home.write(".codex/auth.json", '{"tokens": {"access_token": "x"}}');
  const result = await importFromCodex(home.paths, { env: home.getEnv });
  assert.equal(result.source, home.paths.codexConfigBackup);
  assert.deepEqual(result.imported, ["openai"]);
  const { config } = await readConfig(home.paths);
  assert.deepEqual(config.codex.configs.openai!.upstreams, [
    { base_url: "https://chatgpt.com/backend-api/codex", auth: { mode: "passthrough" } },
  ]);
  assert.equal(await Deno.readTextFile(home.paths.codexConfigToml), switched);
});

Deno.test("importFromCodex() writes nothing when config.toml is malformed", async () => {
  await using home = await createTempHome();
  await home.write(".codex/config.toml", "model_provider = \n");
  await home.write(".codex/auth.json", AUTH);
  await assert.rejects(
    () => importFromCodex(home.paths, { env: home.getEnv }),
    /config\.toml": .* at line 1, column/,
  );
  await assert.rejects(() => Deno.stat(home.paths.configJson), Deno.errors.NotFound);
});

Deno.test("mergeCodexImport() sets active only when it was written or nothing valid is active", async (t) => {
  const plan: CodexImportPlan = {
    source: "x",
    configs: [{ name: "a", upstreams: [{ base_url: "https://a", auth: {} }] }],
    active: "a",
    unresolved: [],
    warnings: [],
  };
  const other = { name: "b", upstreams: [{ base_url: "https://b", auth: {} }] };
  await t.step("existing a, active b: a skipped, b stays active", () => {
    const section = { active: "b", configs: { a: structuredClone(plan.configs[0]!), b: other } };
    const r = mergeCodexImport(section, plan);
    assert.deepEqual(r, { imported: [], skipped: ["a"], active: "b" });
  });
  await t.step("existing a, active points nowhere: a becomes active", () => {
    const section = { active: "gone", configs: { a: structuredClone(plan.configs[0]!) } };
    assert.equal(mergeCodexImport(section, plan).active, "a");
  });
  await t.step("forced: a replaced and active", () => {
    const section = { active: "b", configs: { a: { name: "a", upstreams: [] }, b: other } };
    const r = mergeCodexImport(section, plan, { force: true });
    assert.deepEqual(r, { imported: ["a"], skipped: [], active: "a" });
    assert.equal(section.configs.a.upstreams.length, 1);
  });
});
