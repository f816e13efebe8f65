/**
 * Files written by the original codex-helper (Rust, serde) load as they are: its README documents
 * `"api_key": null` and `"token_env": null`, and its serializer writes `null` for absent optional
 * fields (`alias`, `active`, `default_service`, ...).
 */
import assert from "node:assert/strict";
import { dropNull, stringifyWithNulls } from "../../src/config/null_fields.ts";
import { readConfig } from "../../src/config/store.ts";
import { parseUsageProvidersText } from "../../src/usage/providers.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";

/** The `config.json` example of the original README, verbatim. */
const README_CONFIG_JSON = `{
  "codex": {
    "active": "openai-main",
    "configs": {
      "openai-main": {
        "name": "openai-main",
        "alias": "主 OpenAI 额度",
        "upstreams": [
          {
            "base_url": "https://api.openai.com/v1",
            "auth": {
              "auth_token": "sk-...",
              "api_key": null
            },
            "tags": {
              "source": "codex-config",
              "provider_id": "openai"
            }
          }
        ]
      }
    }
  }
}
`;

/** The `usage_providers.json` example of the original README, verbatim. */
const README_USAGE_PROVIDERS_JSON = `{
  "providers": [
    {
      "id": "packycode",
      "kind": "budget_http_json",
      "domains": ["packycode.com"],
      "endpoint": "https://www.packycode.com/api/backend/users/info",
      "token_env": null,
      "poll_interval_secs": 60
    }
  ]
}
`;

/** A config.json as the original's serializer writes it: every absent optional field `null`. */
const ORIGINAL_FULL_SHAPE = {
  version: 1,
  codex: {
    active: null,
    configs: {
      relay: {
        name: "relay",
        alias: null,
        upstreams: [
          {
            base_url: "https://relay.example.com/v1",
            auth: {
              auth_token: null,
              auth_token_env: "RELAY_KEY",
              api_key: null,
              api_key_env: null,
            },
            tags: { source: "codex-config", provider_id: "relay" },
          },
        ],
      },
    },
  },
  claude: { active: null, configs: {} },
  default_service: null,
};

Deno.test("the original README's config.json loads: null means absent", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", README_CONFIG_JSON);
  const { config } = await readConfig(home.paths);
  const upstream = config.codex.configs["openai-main"]!.upstreams[0]!;
  assert.deepEqual({ ...upstream.auth }, { auth_token: "sk-..." });
  assert.equal(config.codex.active, "openai-main");

  const list = await runCli(["config", "list"], { env: home.env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /openai-main/);
  assert.match(list.stdout, /主 OpenAI 额度/);
});

Deno.test("the original README's usage_providers.json loads: token_env null means absent", async () => {
  const providers = parseUsageProvidersText(README_USAGE_PROVIDERS_JSON, "usage_providers.json");
  assert.equal(providers.length, 1);
  assert.equal(providers[0]!.id, "packycode");
  assert.equal(providers[0]!.token_env, undefined);

  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", README_CONFIG_JSON);
  await home.write(".codex-proxy/usage_providers.json", README_USAGE_PROVIDERS_JSON);
  const quota = await runCli(["usage", "quota", "--json"], { env: home.env });
  assert.equal(quota.code, 0, quota.stderr);
  const report = JSON.parse(quota.stdout);
  assert.equal(report.providers[0].id, "packycode");
  assert.deepEqual(report.providers[0].upstreams, []); // api.openai.com is not packycode's
  assert.equal(
    await Deno.readTextFile(home.paths.usageProvidersJson),
    README_USAGE_PROVIDERS_JSON,
    "the file is only read",
  );
});

Deno.test("serve runs the original README's files and sends the stored token", async () => {
  await using upstream = startFakeUpstream(() => sseResponse(responsesStream("from readme")));
  await using home = await createTempHome();
  // the README's text with only the upstream's address pointed at the fake
  await home.write(
    ".codex-proxy/config.json",
    README_CONFIG_JSON.replace("https://api.openai.com/v1", `${upstream.url}/v1`),
  );
  await home.write(".codex-proxy/usage_providers.json", README_USAGE_PROVIDERS_JSON);
  const serve = await spawnServe([], { env: home.env });
  try {
    assert.match(serve.firstLine, /config "openai-main", 1 upstream\)/);
    const res = await fetch(`${serve.url}/v1/responses`, { method: "POST", body: "{}" });
    assert.match(await res.text(), /from readme/);
    assert.equal(upstream.seen[0]!.headers.get("authorization"), "Bearer sk-...");
    assert.equal(upstream.seen[0]!.headers.get("x-api-key"), null);
  } finally {
    const exit = await serve.stop();
    assert.doesNotMatch(exit.stderr, /token_env|api_key/);
  }
});

Deno.test("config add-upstream keeps every field of the original's full shape, nulls included", async () => {
  await using home = await createTempHome();
  const original = `${JSON.stringify(ORIGINAL_FULL_SHAPE, null, 2)}\n`;
  await home.write(".codex-proxy/config.json", original);

  const list = await runCli(["config", "list"], { env: home.env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /relay/);

  const add = await runCli(
    ["config", "add-upstream", "relay", "--base-url", "https://backup.example.com/v1"],
    { env: home.env },
  );
  assert.equal(add.code, 0, add.stderr);
  const saved = JSON.parse(await Deno.readTextFile(home.paths.configJson));
  const added = saved.codex.configs.relay.upstreams[1];
  assert.equal(added?.base_url, "https://backup.example.com/v1");
  const expected = structuredClone(ORIGINAL_FULL_SHAPE) as typeof ORIGINAL_FULL_SHAPE;
  (expected.codex.configs.relay.upstreams as unknown[]).push(added);
  Object.assign(expected, { proxy: {} }); // the one field added: this project's proxy settings
  assert.equal(
    await Deno.readTextFile(home.paths.configJson),
    `${JSON.stringify(expected, null, 2)}\n`,
    "every field in its place, the nulls kept",
  );
  assert.equal(await Deno.readTextFile(home.paths.configJsonBackup), original);
});

Deno.test("readConfig() takes null as absent in every optional field", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: null,
        configs: {
          a: {
            name: null,
            alias: null,
            upstreams: [{
              base_url: "https://a.example.com/v1",
              auth: { auth_token: null, auth_token_env: null, api_key: null, api_key_env: null },
              tags: null,
            }, { base_url: "https://b.example.com/v1", auth: null, tags: { k: null } }],
          },
          b: { upstreams: null },
        },
      },
      claude: null,
      proxy: { header_timeout_secs: null, access_token: null },
    }),
  );
  const { config } = await readConfig(home.paths);
  const a = config.codex.configs.a!;
  assert.equal(a.name, "a");
  assert.equal(a.alias, undefined);
  assert.deepEqual({ ...a.upstreams[0]!.auth }, {});
  assert.equal(a.upstreams[0]!.tags, undefined);
  assert.deepEqual({ ...a.upstreams[1]!.auth }, {});
  assert.deepEqual({ ...a.upstreams[1]!.tags }, {});
  assert.deepEqual(config.codex.configs.b!.upstreams, []);
  assert.deepEqual(config.claude.configs, {});
  assert.equal(config.proxy.header_timeout_secs, undefined);
  assert.equal(config.proxy.access_token, undefined);
});

Deno.test("stringifyWithNulls() writes removed nulls back in place, unless the field was set", () => {
  const value = JSON.parse(`{"a": 1, "b": null, "c": {"d": null, "e": 2}, "f": null}`);
  dropNull(value, "b");
  dropNull(value, "f");
  dropNull(value.c, "d");
  assert.deepEqual(Object.keys(value), ["a", "c"]);
  value.f = "set";
  value.g = 3;
  assert.equal(
    stringifyWithNulls(value),
    JSON.stringify({ a: 1, b: null, c: { d: null, e: 2 }, f: "set", g: 3 }, null, 2),
  );
});
