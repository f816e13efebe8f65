import assert from "node:assert/strict";
import type { Upstream } from "../../src/config/schema.ts";
import {
  collectActiveUpstreams,
  hostMatchesDomain,
  parseUsageProvidersText,
  providerMatchesUrl,
  resolveProviderToken,
  type UsageProvider,
  UsageProvidersSchemaError,
} from "../../src/usage/providers.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";

const packy: UsageProvider = {
  id: "packy",
  kind: "budget_http_json",
  domains: ["packycode.com"],
  endpoint: "https://www.packycode.com/api/backend/users/info",
  poll_interval_secs: 60,
};

Deno.test("hostMatchesDomain() matches on a label boundary only", async (t) => {
  const cases: [string, string, boolean][] = [
    ["packycode.com", "packycode.com", true],
    ["api.packycode.com", "packycode.com", true],
    ["a.b.packycode.com", "packycode.com", true],
    ["evilpackycode.com", "packycode.com", false],
    ["packycode.com.evil.net", "packycode.com", false],
    ["API.PackyCode.COM", "packycode.com", true],
    ["api.packycode.com", "PACKYCODE.com", true],
    ["packycode.com.", "packycode.com", true],
    ["packycode.co", "packycode.com", false],
    ["com", "packycode.com", false],
    ["anything", "", false],
  ];
  for (const [host, domain, expected] of cases) {
    await t.step(`${host} vs ${domain}`, () => {
      assert.equal(hostMatchesDomain(host, domain), expected);
    });
  }
});

Deno.test("providerMatchesUrl() ignores scheme, port and path, and rejects bad URLs", () => {
  assert.equal(providerMatchesUrl(packy, "https://api.packycode.com/v1"), true);
  assert.equal(providerMatchesUrl(packy, "http://packycode.com:8443/openai"), true);
  assert.equal(providerMatchesUrl(packy, "https://PACKYCODE.COM"), true);
  assert.equal(providerMatchesUrl(packy, "https://evilpackycode.com/v1"), false);
  assert.equal(providerMatchesUrl(packy, "https://packycode.com.evil.net/v1"), false);
  assert.equal(providerMatchesUrl(packy, "https://user@evil.net/packycode.com"), false);
  assert.equal(providerMatchesUrl(packy, "not a url"), false);
});

Deno.test("parseUsageProvidersText() accepts both kinds and fills the poll interval", () => {
  const providers = parseUsageProvidersText(
    JSON.stringify({
      providers: [
        { ...packy, poll_interval_secs: undefined },
        {
          id: "relay",
          kind: "http_json",
          domains: ["relay.example"],
          endpoint: "https://relay.example/balance",
          remaining_path: "data.balance",
          threshold: 0.5,
        },
      ],
    }),
    "usage_providers.json",
  );
  assert.equal(providers.length, 2);
  assert.equal(providers[0]?.poll_interval_secs, 60);
  assert.equal(providers[1]?.kind, "http_json");
});

Deno.test("parseUsageProvidersText() reports a syntax error with line and column", () => {
  const text = '{\n  "providers": [\n    {"id": "x",,}\n  ]\n}\n';
  assert.throws(() => parseUsageProvidersText(text, "/h/usage_providers.json"), (e) => {
    assert.ok(e instanceof JsonParseError);
    assert.equal(e.line, 3);
    assert.match(e.message, /"\/h\/usage_providers\.json"/);
    return true;
  });
});

Deno.test("parseUsageProvidersText() names the bad field, its line and column", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ["providers missing", {}, /providers: missing or not an array/],
    [
      "bad kind",
      { providers: [{ ...packy, kind: "magic" }] },
      /providers\[0\]\.kind: unknown kind/,
    ],
    ["no domains", { providers: [{ ...packy, domains: [] }] }, /providers\[0\]\.domains/],
    [
      "domain with a port",
      { providers: [{ ...packy, domains: ["packycode.com:443"] }] },
      /providers\[0\]\.domains\[0\]: not a host name/,
    ],
    ["bad endpoint", { providers: [{ ...packy, endpoint: "ftp://x" }] }, /endpoint: missing/],
    [
      "bad token_env",
      { providers: [{ ...packy, token_env: "not a name" }] },
      /token_env: not an environment variable name/,
    ],
    ["interval", { providers: [{ ...packy, poll_interval_secs: 0 }] }, /poll_interval_secs/],
    ["duplicate", { providers: [packy, packy] }, /providers\[1\]\.id: duplicate id "packy"/],
    [
      "http_json without paths",
      { providers: [{ ...packy, kind: "http_json", limit_path: "a" }] },
      /needs "remaining_path", or "limit_path" and "used_path"/,
    ],
  ];
  for (const [name, value, pattern] of cases) {
    await t.step(name, () => {
      const text = JSON.stringify(value, null, 2);
      assert.throws(() => parseUsageProvidersText(text, "p.json"), (e) => {
        assert.ok(e instanceof UsageProvidersSchemaError);
        assert.match(e.message, /^Invalid "p\.json": /);
        assert.match(e.message, pattern);
        assert.match(e.message, / at line \d+, column \d+$/);
        assert.ok(e.hint?.includes("left untouched"));
        return true;
      });
    });
  }
});

Deno.test("parseUsageProvidersText() points at the offending value", () => {
  const text =
    '{\n  "providers": [\n    {\n      "id": "a",\n      "kind": "nope"\n    }\n  ]\n}\n';
  assert.throws(() => parseUsageProvidersText(text, "p.json"), /line 5, column 15/);
});

function up(base_url: string, auth: Upstream["auth"] = {}): Upstream {
  return { base_url, auth };
}

Deno.test("resolveProviderToken() prefers token_env, then the matching upstreams' tokens", () => {
  const env: Record<string, string> = { PACKY_TOKEN: "sk-test-env", EMPTY: " ", UP: "sk-test-up" };
  const getEnv = (n: string) => env[n];
  const upstreams = [
    up("https://evilpackycode.com/v1", { auth_token: "sk-test-evil" }),
    up("https://api.packycode.com/v1", { auth_token_env: "MISSING" }),
    up("https://www.packycode.com/v1", { auth_token_env: "UP" }),
    up("https://packycode.com/v2", { auth_token: "sk-test-second" }),
  ];
  assert.deepEqual(
    resolveProviderToken({ ...packy, token_env: "PACKY_TOKEN" }, { upstreams, env: getEnv }),
    { token: "sk-test-env", source: "$PACKY_TOKEN" },
  );
  assert.deepEqual(
    resolveProviderToken({ ...packy, token_env: "EMPTY" }, { upstreams, env: getEnv }),
    { token: "sk-test-up", source: "https://www.packycode.com/v1" },
  );
  assert.deepEqual(
    resolveProviderToken(packy, {
      upstreams: [up("https://packycode.com", { api_key: "sk-k" })],
      env: getEnv,
    }),
    { token: "sk-k", source: "https://packycode.com" },
  );
  assert.deepEqual(
    resolveProviderToken(packy, {
      upstreams: [up("https://u:sk-test-pw@packycode.com/v1?key=sk-test-q", { api_key: "sk-k" })],
      env: getEnv,
    }),
    { token: "sk-k", source: "https://packycode.com/v1?key=***" },
  );
  assert.equal(
    resolveProviderToken(packy, { upstreams: upstreams.slice(0, 2), env: getEnv }),
    undefined,
  );
});

Deno.test("collectActiveUpstreams() takes the active configs' upstreams, per service or both", () => {
  const config = {
    codex: {
      active: "a",
      configs: {
        a: { name: "a", upstreams: [up("https://a.example")] },
        b: { name: "b", upstreams: [up("https://b.example")] },
      },
    },
    claude: { active: "c", configs: { c: { name: "c", upstreams: [up("https://c.example")] } } },
    proxy: {},
  };
  const urls = (list: Upstream[]) => list.map((u) => u.base_url);
  assert.deepEqual(urls(collectActiveUpstreams(config)), [
    "https://a.example",
    "https://c.example",
  ]);
  assert.deepEqual(urls(collectActiveUpstreams(config, { service: "claude" })), [
    "https://c.example",
  ]);
  assert.deepEqual(
    collectActiveUpstreams({ ...config, codex: { configs: {} } }, { service: "codex" }),
    [],
  );
});
