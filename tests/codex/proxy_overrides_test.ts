import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { proxyOverrides } from "../../src/codex/proxy_overrides.ts";

const URL = "http://127.0.0.1:3211";

/** The `-c key=value` pairs as Codex reads them (value parsed as TOML). */
function parsed(args: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) {
    assert.equal(args[i], "-c");
    const kv = args[i + 1]!;
    const eq = kv.indexOf("=");
    // smol-toml tables have a null prototype: compare plain copies
    out[kv.slice(0, eq)] = JSON.parse(JSON.stringify(parse(`v = ${kv.slice(eq + 1)}`).v));
  }
  return out;
}

Deno.test("proxyOverrides() keeps a custom provider's id and changes only its base_url", () => {
  const r = proxyOverrides("relay-1", URL);
  assert.ok(r.ok);
  assert.deepEqual(r.args, [
    "-c",
    'model_provider="relay-1"',
    "-c",
    `model_providers.relay-1.base_url="${URL}"`,
  ]);
});

Deno.test("proxyOverrides() quotes an id that TOML would read as another type", () => {
  const r = proxyOverrides("true", URL);
  assert.ok(r.ok);
  assert.deepEqual(parsed(r.args), {
    model_provider: "true",
    "model_providers.true.base_url": URL,
  });
});

Deno.test("proxyOverrides() sends the built-in openai provider through openai_base_url", () => {
  const r = proxyOverrides("openai", URL);
  assert.ok(r.ok);
  assert.deepEqual(parsed(r.args), { model_provider: "openai", openai_base_url: URL });
});

Deno.test("proxyOverrides() defines the whole codex_proxy table when it is gone", () => {
  const r = proxyOverrides("codex_proxy", URL, { missingTable: true, envKey: "RELAY_KEY" });
  assert.ok(r.ok);
  assert.deepEqual(parsed(r.args), {
    model_provider: "codex_proxy",
    "model_providers.codex_proxy": {
      name: "codex-helper",
      base_url: URL,
      wire_api: "responses",
      env_key: "RELAY_KEY",
    },
  });
  const login = proxyOverrides("codex_proxy", URL, {
    missingTable: true,
    requiresOpenaiAuth: true,
  });
  assert.ok(login.ok);
  const table = parsed(login.args)["model_providers.codex_proxy"] as Record<string, unknown>;
  assert.equal(table.requires_openai_auth, true);
  assert.equal("env_key" in table, false);
});

Deno.test("proxyOverrides() escapes a base URL with quotes or backslashes as a TOML string", () => {
  const odd = 'http://127.0.0.1:1/a"b\\c';
  const r = proxyOverrides("codex_proxy", odd, { missingTable: true });
  assert.ok(r.ok);
  const table = parsed(r.args)["model_providers.codex_proxy"] as Record<string, unknown>;
  assert.equal(table.base_url, odd);
});

Deno.test("proxyOverrides() refuses what -c cannot express", async (t) => {
  for (const id of ["ollama", "lmstudio", "amazon-bedrock"]) {
    await t.step(`built-in ${id}`, () => {
      const r = proxyOverrides(id, URL);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : "", /built-in provider/);
    });
  }
  for (const id of ["my.relay", 'a"b', "x=y", "with space", ""]) {
    await t.step(`id ${JSON.stringify(id)}`, () => {
      const r = proxyOverrides(id, URL);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : "", /cannot be addressed/);
    });
  }
});
