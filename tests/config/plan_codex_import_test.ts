import assert from "node:assert/strict";
import {
  type CodexImportPlan,
  NothingToImportError,
  planCodexImport,
} from "../../src/config/plan_codex_import.ts";
import { CHATGPT_BASE_URL, OPENAI_BASE_URL } from "../../src/config/plan_codex_provider.ts";
import { TomlParseError } from "../../src/fs/toml_file.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";

interface Input {
  toml?: string;
  backup?: string;
  auth?: unknown;
  authText?: string;
  env?: Record<string, string>;
}

function plan(input: Input): CodexImportPlan {
  const authText = input.authText ??
    (input.auth === undefined ? undefined : JSON.stringify(input.auth));
  return planCodexImport({
    configToml: { path: "codex/config.toml", text: input.toml },
    backupToml: { path: "codex/config.toml.codex-proxy-backup", text: input.backup },
    authJson: { path: "codex/auth.json", text: authText },
  }, (name) => input.env?.[name]);
}

const RELAY = `model_provider = "relay"
[model_providers.relay]
name = "Relay"
base_url = "https://relay.example.com/v1"
env_key = "RELAY_API_KEY"
wire_api = "responses"
`;

const CHATGPT_AUTH = { OPENAI_API_KEY: null, tokens: { id_token: "x", access_token: "y" } };

Deno.test("planCodexImport() resolves the token as the issue orders it", async (t) => {
  const cases: {
    name: string;
    input: Input;
    baseUrl: string;
    auth: Record<string, unknown>;
    unresolved?: RegExp;
  }[] = [
    {
      name: "env_key set and the variable set: an env reference, no secret stored",
      input: { toml: RELAY, env: { RELAY_API_KEY: "sk-test-relay-0001" } },
      baseUrl: "https://relay.example.com/v1",
      auth: { auth_token_env: "RELAY_API_KEY" },
    },
    {
      name: "env_key set, variable unset: the auth.json field of that name",
      input: { toml: RELAY, auth: { RELAY_API_KEY: "sk-test-relay-0002" } },
      baseUrl: "https://relay.example.com/v1",
      auth: { auth_token: "sk-test-relay-0002" },
    },
    {
      name: "env_key set, variable missing everywhere: kept as a reference, reported",
      input: { toml: RELAY, auth: { OPENAI_API_KEY: "sk-test-other-0003" } },
      baseUrl: "https://relay.example.com/v1",
      auth: { auth_token_env: "RELAY_API_KEY" },
      unresolved: /RELAY_API_KEY .*is not set/,
    },
    {
      name: "no env_key: the single *_API_KEY of auth.json",
      input: { toml: "", auth: { OPENAI_API_KEY: "sk-test-openai-0004" } },
      baseUrl: OPENAI_BASE_URL,
      auth: { auth_token: "sk-test-openai-0004" },
    },
    {
      name: "no env_key, several *_API_KEY: an error naming them",
      input: { auth: { A_API_KEY: "sk-test-a-00000005", B_API_KEY: "sk-test-b-00000005" } },
      baseUrl: OPENAI_BASE_URL,
      auth: {},
      unresolved: /several \*_API_KEY fields \(A_API_KEY, B_API_KEY\)/,
    },
    {
      name: "no env_key, no *_API_KEY and no login",
      input: { toml: 'model = "gpt-5"\n', auth: { last_refresh: "x" } },
      baseUrl: OPENAI_BASE_URL,
      auth: {},
      unresolved: /no \*_API_KEY field or ChatGPT login/,
    },
    {
      name: "ChatGPT login: pass-through to the ChatGPT backend, nothing copied",
      input: { auth: CHATGPT_AUTH },
      baseUrl: CHATGPT_BASE_URL,
      auth: { mode: "passthrough" },
    },
    {
      name: 'auth_mode "chatgpt" wins over an exchanged OPENAI_API_KEY',
      input: {
        auth: { auth_mode: "chatgpt", OPENAI_API_KEY: "sk-test-exch-0007", tokens: { a: "x" } },
      },
      baseUrl: CHATGPT_BASE_URL,
      auth: { mode: "passthrough" },
    },
    {
      name: 'auth_mode "apikey" uses the key even with leftover tokens',
      input: {
        auth: { auth_mode: "apikey", OPENAI_API_KEY: "sk-test-key-0007", tokens: { a: "x" } },
      },
      baseUrl: OPENAI_BASE_URL,
      auth: { auth_token: "sk-test-key-0007" },
    },
    {
      name: "the built-in openai honours OPENAI_BASE_URL, as Codex does",
      input: {
        auth: { OPENAI_API_KEY: "sk-test-key-0008" },
        env: { OPENAI_BASE_URL: "https://gw.example.com/v1" },
      },
      baseUrl: "https://gw.example.com/v1",
      auth: { auth_token: "sk-test-key-0008" },
    },
    {
      name: "a custom provider with requires_openai_auth and a ChatGPT login keeps its base_url",
      input: {
        toml:
          `model_provider = "corp"\n[model_providers.corp]\nbase_url = "https://corp.example.com/v1"\nrequires_openai_auth = true\n`,
        auth: CHATGPT_AUTH,
      },
      baseUrl: "https://corp.example.com/v1",
      auth: { mode: "passthrough" },
    },
    {
      name: "experimental_bearer_token is used when no env_key is declared",
      input: {
        toml:
          `model_provider = "b"\n[model_providers.b]\nbase_url = "https://b.example.com"\nexperimental_bearer_token = "sk-test-bearer-0009"\n`,
      },
      baseUrl: "https://b.example.com",
      auth: { auth_token: "sk-test-bearer-0009" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const p = plan(c.input);
      const active = p.configs.find((x) => x.name === p.active);
      assert.ok(active, "the current provider is imported and active");
      assert.equal(active.upstreams.length, 1);
      assert.equal(active.upstreams[0]!.base_url, c.baseUrl);
      assert.deepEqual(active.upstreams[0]!.auth, c.auth);
      if (c.unresolved) {
        assert.equal(p.unresolved.length, 1);
        assert.equal(p.unresolved[0]!.config, p.active);
        assert.match(p.unresolved[0]!.reason, c.unresolved);
        assert.ok(p.unresolved[0]!.fix.length > 0);
        assert.doesNotMatch(p.unresolved[0]!.reason, /sk-test/);
      } else {
        assert.deepEqual(p.unresolved, []);
      }
    });
  }
});

Deno.test("planCodexImport() makes every [model_providers.*] a config, the current one active", () => {
  const toml = `${RELAY}
[model_providers.local]
base_url = "http://127.0.0.1:11434/v1"

[model_providers.other]
name = "other"
base_url = "https://other.example.com/v1"
env_key = "OTHER_KEY"
http_headers = { "X-Team" = "a" }
`;
  const p = plan({ toml, env: { RELAY_API_KEY: "sk-test-1", OTHER_KEY: "sk-test-2" } });
  assert.equal(p.source, "codex/config.toml");
  assert.deepEqual(p.configs.map((c) => c.name), ["relay", "local", "other"]);
  assert.equal(p.active, "relay");
  assert.equal(p.configs[0]!.alias, "Relay");
  assert.equal(p.configs[2]!.alias, undefined, "an alias equal to the name is dropped");
  assert.deepEqual(p.unresolved, [], "a loopback provider needs no token");
  assert.ok(p.warnings.some((w) => /local.*without one/.test(w)));
  assert.ok(p.warnings.some((w) => /http_headers not imported/.test(w)));
});

Deno.test("planCodexImport() warns when a custom provider borrows auth.json's only key", () => {
  const p = plan({
    toml: `model_provider = "x"\n[model_providers.x]\nbase_url = "https://x.example.com"\n`,
    auth: { OPENAI_API_KEY: "sk-test-key-0011" },
  });
  assert.deepEqual(p.configs[0]!.upstreams[0]!.auth, { auth_token: "sk-test-key-0011" });
  assert.ok(p.warnings.some((w) => /got "OPENAI_API_KEY" from auth\.json/.test(w)));
  assert.ok(p.warnings.every((w) => !w.includes("sk-test")), "warnings never hold a secret");
});

Deno.test("planCodexImport() imports from the backup when Codex is switched to the proxy", () => {
  const switched = `model_provider = "codex_proxy"
[model_providers.codex_proxy]
name = "codex-helper"
base_url = "http://127.0.0.1:3211"
wire_api = "responses"
`;
  const p = plan({ toml: switched, backup: RELAY, env: { RELAY_API_KEY: "sk-test-1" } });
  assert.equal(p.source, "codex/config.toml.codex-proxy-backup");
  assert.deepEqual(p.configs.map((c) => c.name), ["relay"]);
  assert.equal(p.active, "relay");
  const withProxyInBackup = plan({
    toml: switched,
    backup: `${RELAY}\n[model_providers.codex_proxy]\nbase_url = "http://127.0.0.1:3211"\n`,
    env: { RELAY_API_KEY: "sk-test-1" },
  });
  assert.deepEqual(withProxyInBackup.configs.map((c) => c.name), ["relay"]);
});

Deno.test("planCodexImport() fails clearly on missing, malformed or self-referencing input", async (t) => {
  const switched = `model_provider = "codex_proxy"\n`;
  const cases: {
    name: string;
    input: Input;
    error: RegExp;
    type?: new (...a: never[]) => Error;
  }[] = [
    {
      name: "neither file exists",
      input: {},
      error: /Nothing to import.*config\.toml.*auth\.json/,
      type: NothingToImportError,
    },
    {
      name: "malformed config.toml names file, line and column",
      input: { toml: 'model_provider = "a"\nbase_url = \n', auth: {} },
      error: /Cannot parse "codex\/config\.toml": .* at line 2, column \d+/,
      type: TomlParseError,
    },
    {
      name: "malformed auth.json names file, line and column",
      input: { toml: "", authText: '{"OPENAI_API_KEY": "sk-test",\n}' },
      error: /Cannot parse "codex\/auth\.json": .* at line 2, column 1/,
      type: JsonParseError,
    },
    {
      name: "switched on without a backup",
      input: { toml: switched },
      error: /points Codex at codex-helper itself.*backup.*does not exist/,
    },
    {
      name: "a backup that is switched too",
      input: { toml: switched, backup: switched },
      error: /backup .* also points Codex at codex-helper/,
    },
    {
      name: "model_provider without its table",
      input: { toml: 'model_provider = "ghost"\n' },
      error: /model_provider = "ghost" but has no \[model_providers\.ghost\] table/,
    },
    {
      name: "malformed backup names the backup",
      input: { toml: switched, backup: "[x\n" },
      error: /Cannot parse "codex\/config\.toml\.codex-proxy-backup".*line 1/,
      type: TomlParseError,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.throws(() => plan(c.input), (error: Error) => {
        assert.match(error.message, c.error);
        if (c.type) assert.ok(error instanceof c.type, error.name);
        return true;
      });
    });
  }
});

Deno.test("planCodexImport() skips a provider whose base_url is not a URL, with a warning", () => {
  const p = plan({
    toml: `${RELAY}\n[model_providers.bad]\nbase_url = "not a url"\nenv_key = "X"\n`,
    env: { RELAY_API_KEY: "sk-test-1" },
  });
  assert.deepEqual(p.configs.map((c) => c.name), ["relay"]);
  assert.ok(p.warnings.some((w) => /model_providers\.bad.*not an http\(s\) URL/.test(w)));
});

Deno.test("planCodexImport() treats openai, ollama and lmstudio as Codex's built-ins", () => {
  const p = plan({
    toml:
      `model_provider = "ollama"\n[model_providers.openai]\nbase_url = "https://elsewhere.example.com"\n`,
    auth: { OPENAI_API_KEY: "sk-test-key-0010" },
  });
  assert.deepEqual(p.configs.map((c) => c.name), ["ollama", "openai"]);
  assert.equal(p.active, "ollama");
  assert.equal(p.configs[0]!.upstreams[0]!.base_url, "http://localhost:11434/v1");
  assert.equal(p.configs[1]!.upstreams[0]!.base_url, OPENAI_BASE_URL);
  assert.ok(
    p.warnings.some((w) => /model_providers\.openai\].*ignored.*built-in "openai"/.test(w)),
  );
  assert.deepEqual(p.unresolved, []);
});
