import assert from "node:assert/strict";
import { importFromClaude } from "../../src/claude/import_claude.ts";
import { configNameFromUrl } from "../../src/claude/import_claude.ts";
import { switchOnClaude } from "../../src/claude/switch.ts";
import { readConfig } from "../../src/config/store.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";
import type { UpstreamAuth } from "../../src/config/schema.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

interface ImportCase {
  name: string;
  settings?: string;
  processEnv?: Record<string, string>;
  claudeLogin?: boolean;
  config: string;
  baseUrl: string;
  auth: UpstreamAuth;
}

const CASES: ImportCase[] = [
  {
    name: "bearer token and base URL in settings",
    settings:
      `{ // c\n "env": { "ANTHROPIC_BASE_URL": "https://api.example.com/anthropic", "ANTHROPIC_AUTH_TOKEN": "sk-test-t1" } }`,
    config: "example",
    baseUrl: "https://api.example.com/anthropic",
    auth: { auth_token: "sk-test-t1" },
  },
  {
    name: "API key, default base URL",
    settings: `{ "env": { "ANTHROPIC_API_KEY": "sk-test-k1", } }`,
    config: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: { api_key: "sk-test-k1" },
  },
  {
    name: "token only in the process environment",
    settings: `{ "env": { "ANTHROPIC_BASE_URL": "https://gw.corp.example.com" } }`,
    processEnv: { ANTHROPIC_AUTH_TOKEN: "sk-test-envtoken" },
    config: "example",
    baseUrl: "https://gw.corp.example.com",
    auth: { auth_token_env: "ANTHROPIC_AUTH_TOKEN" },
  },
  {
    name: "API key only in the process environment, no settings file",
    processEnv: { ANTHROPIC_API_KEY: "sk-test-envkey" },
    config: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: { api_key_env: "ANTHROPIC_API_KEY" },
  },
  {
    name: "settings token wins over the process environment",
    settings: `{ "env": { "ANTHROPIC_AUTH_TOKEN": "sk-test-file" } }`,
    processEnv: { ANTHROPIC_AUTH_TOKEN: "sk-test-env" },
    config: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: { auth_token: "sk-test-file" },
  },
  {
    name: "Claude Code login only: pass-through",
    settings: `{ "model": "opus" }`,
    claudeLogin: true,
    config: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: { mode: "passthrough" },
  },
  {
    name: "apiKeyHelper: pass-through",
    settings: `{ "apiKeyHelper": "~/bin/key.sh" }`,
    config: "anthropic",
    baseUrl: "https://api.anthropic.com",
    auth: { mode: "passthrough" },
  },
];

Deno.test("importFromClaude() imports the upstream and credential", async (t) => {
  for (const c of CASES) {
    await t.step(c.name, async () => {
      await using home = await createTempHome(c.processEnv ?? {});
      if (c.settings !== undefined) await home.write(".claude/settings.json", c.settings);
      if (c.claudeLogin) await home.write(".claude/.credentials.json", `{}`);
      const result = await importFromClaude(home.paths, { env: home.getEnv });
      assert.deepEqual(result.imported, [c.config]);
      assert.equal(result.active, c.config);
      assert.deepEqual(result.unresolved, []);
      const { config } = await readConfig(home.paths);
      assert.equal(config.claude.active, c.config);
      assert.deepEqual(config.claude.configs[c.config]?.upstreams, [
        { base_url: c.baseUrl, auth: c.auth },
      ]);
      assert.deepEqual(config.codex.configs, {});
    });
  }
});

Deno.test("importFromClaude() without any credential reports it and writes nothing", async () => {
  await using home = await createTempHome();
  await home.write(".claude/settings.json", `{ "env": {} }`);
  const result = await importFromClaude(home.paths, { env: home.getEnv });
  assert.deepEqual(result.imported, []);
  assert.equal(result.unresolved.length, 1);
  assert.equal(result.unresolved[0]?.config, "anthropic");
  assert.match(result.unresolved[0]!.fix, /ANTHROPIC_AUTH_TOKEN/);
  assert.equal((await readConfig(home.paths)).exists, false);
});

Deno.test("importFromClaude() reports a base URL that is not a URL", async () => {
  await using home = await createTempHome();
  await home.write(
    ".claude/settings.json",
    `{ "env": { "ANTHROPIC_BASE_URL": "api.example.com", "ANTHROPIC_API_KEY": "sk-test-1" } }`,
  );
  const result = await importFromClaude(home.paths, { env: home.getEnv });
  assert.deepEqual(result.imported, []);
  assert.match(result.unresolved[0]!.reason, /not an http\(s\) URL/);
});

Deno.test("importFromClaude() reads the backup when settings point at the proxy", async () => {
  await using home = await createTempHome();
  await home.write(
    ".claude/settings.json",
    `{ "env": { "ANTHROPIC_BASE_URL": "https://api.example.com", "ANTHROPIC_AUTH_TOKEN": "sk-test-b" } }\n`,
  );
  await switchOnClaude(home.paths, { port: 3300, env: home.getEnv });
  const result = await importFromClaude(home.paths, { env: home.getEnv });
  assert.equal(result.source, home.paths.claudeSettingsBackup);
  const { config } = await readConfig(home.paths);
  assert.deepEqual(config.claude.configs.example?.upstreams, [
    { base_url: "https://api.example.com", auth: { auth_token: "sk-test-b" } },
  ]);
});

Deno.test("importFromClaude() after switch-on without a settings file ignores the placeholder", async () => {
  await using home = await createTempHome({ ANTHROPIC_AUTH_TOKEN: "sk-test-shell" });
  await switchOnClaude(home.paths, { env: () => undefined });
  const result = await importFromClaude(home.paths, { env: home.getEnv });
  assert.deepEqual(result.imported, ["anthropic"]);
  const { config } = await readConfig(home.paths);
  assert.deepEqual(config.claude.configs.anthropic?.upstreams, [
    { base_url: "https://api.anthropic.com", auth: { auth_token_env: "ANTHROPIC_AUTH_TOKEN" } },
  ]);
});

Deno.test("importFromClaude() keeps an existing config unless forced", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      claude: {
        active: "mine",
        configs: {
          anthropic: { name: "anthropic", upstreams: [{ base_url: "https://old", auth: {} }] },
          mine: { name: "mine", upstreams: [] },
        },
      },
    }),
  );
  await home.write(".claude/settings.json", `{ "env": { "ANTHROPIC_API_KEY": "sk-test-new" } }`);
  const kept = await importFromClaude(home.paths, { env: home.getEnv });
  assert.deepEqual(kept.skipped, ["anthropic"]);
  assert.deepEqual(kept.imported, []);
  assert.equal(kept.active, "mine");
  let { config } = await readConfig(home.paths);
  assert.equal(config.claude.configs.anthropic?.upstreams[0]?.base_url, "https://old");

  const forced = await importFromClaude(home.paths, { env: home.getEnv, force: true });
  assert.deepEqual(forced.imported, ["anthropic"]);
  assert.equal(forced.active, "anthropic");
  ({ config } = await readConfig(home.paths));
  assert.deepEqual(config.claude.configs.anthropic?.upstreams[0]?.auth, { api_key: "sk-test-new" });
  assert.ok(config.claude.configs.mine !== undefined);
});

Deno.test("importFromClaude() refuses malformed settings.json", async () => {
  await using home = await createTempHome();
  await home.write(".claude/settings.json", `{ "env": { "A": } }`);
  await assert.rejects(() => importFromClaude(home.paths, { env: home.getEnv }), JsonParseError);
  assert.equal((await readConfig(home.paths)).exists, false);
});

Deno.test("configNameFromUrl() names a config after the domain", () => {
  assert.equal(configNameFromUrl("https://api.anthropic.com"), "anthropic");
  assert.equal(configNameFromUrl("https://gw.corp.example.co:8443/v1"), "example");
  assert.equal(configNameFromUrl("http://localhost:8080"), "localhost");
  assert.equal(configNameFromUrl("http://10.0.0.2:8080"), "custom");
});
