import assert from "node:assert/strict";
import { formatConfigList, toConfigListJson } from "../../src/cli/format_config_list.ts";
import type { ServiceSection } from "../../src/config/schema.ts";

const SECRET_TOKEN = "sk-test-token-9f8e7d6c5b4aZZ11";
const SECRET_KEY = "sk-ant-test-key-0a1b2c3dYY22";

const SECTION: ServiceSection = {
  active: "work",
  configs: {
    work: {
      name: "work",
      alias: "Work",
      upstreams: [
        {
          base_url: "https://a.example.com/v1",
          auth: { auth_token: SECRET_TOKEN },
          tags: { r: "eu" },
        },
        {
          base_url: "https://b.example.com/v1",
          auth: { auth_token_env: "B_KEY", api_key: SECRET_KEY },
        },
      ],
    },
    chat: {
      name: "chat",
      upstreams: [{ base_url: "https://c.example.com", auth: { mode: "passthrough" } }],
    },
  },
};

const OPTIONS = {
  label: "codex",
  file: "cfg.json",
  env: (n: string) => (n === "B_KEY" ? "v" : undefined),
};

Deno.test("formatConfigList() shows order, active, redacted secrets, env names and tags", () => {
  const text = formatConfigList(SECTION, OPTIONS);
  assert.equal(
    text,
    [
      'codex configs in "cfg.json" (* = active):',
      "* work (alias: Work)",
      "    1. https://a.example.com/v1  auth_token sk-...ZZ11  tags: r=eu",
      "    2. https://b.example.com/v1  auth_token from $B_KEY, api_key sk-...YY22",
      "  chat",
      "    1. https://c.example.com  pass-through (the client's own login)",
    ].join("\n"),
  );
  assert.match(
    formatConfigList(SECTION, { ...OPTIONS, env: () => undefined }),
    /\$B_KEY \(not set here\)/,
  );
});

Deno.test("toConfigListJson() never contains a secret", () => {
  const json = JSON.stringify(toConfigListJson(SECTION, OPTIONS));
  assert.ok(!json.includes(SECRET_TOKEN) && !json.includes(SECRET_KEY));
  assert.ok(!json.includes("9f8e7d6c") && !json.includes("0a1b2c3d"));
  const parsed = toConfigListJson(SECTION, OPTIONS);
  assert.equal(parsed.active, "work");
  assert.deepEqual(parsed.configs[0]!.upstreams[1]!.auth, {
    auth_token_env: "B_KEY",
    api_key_redacted: "sk-...YY22",
  });
});

Deno.test("formatConfigList() explains how to start when there are no configs", () => {
  const text = formatConfigList({ configs: {} }, OPTIONS);
  assert.match(text, /No codex configs yet/);
  assert.match(text, /import-from-codex/);
});

Deno.test("formatConfigList() and toConfigListJson() hide credentials inside a base_url", () => {
  const section: ServiceSection = {
    active: "relay",
    configs: {
      relay: {
        name: "relay",
        upstreams: [{
          base_url: "https://user:sk-test-pw-1234@relay.example.com/v1?key=sk-test-q-5678",
          auth: {},
        }],
      },
    },
  };
  const options = { label: "codex", file: "config.json", env: () => undefined };
  const text = formatConfigList(section, options);
  const json = JSON.stringify(toConfigListJson(section, options));
  for (const out of [text, json]) {
    assert.doesNotMatch(out, /sk-test-pw-1234|sk-test-q-5678/);
    assert.match(out, /https:\/\/relay\.example\.com\/v1\?key=\*\*\*/);
  }
});
