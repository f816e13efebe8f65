import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const BASE_URL = "http://user:sk-test-pw-4321@127.0.0.1:9/v1?key=sk-test-query-8765";

function configJson(auth: Record<string, string>): string {
  return JSON.stringify({
    codex: {
      active: "w",
      configs: { w: { name: "w", upstreams: [{ base_url: BASE_URL, auth }] } },
    },
  });
}

Deno.test("usage quota and serve never print credentials kept inside a base_url", async (t) => {
  await t.step("usage quota --json", async () => {
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", configJson({ auth_token: "sk-test-tok-1111" }));
    await home.write(
      ".codex-proxy/usage_providers.json",
      JSON.stringify({
        providers: [{
          id: "p",
          kind: "budget_http_json",
          domains: ["127.0.0.1"],
          endpoint: "http://127.0.0.1:9/info",
          token_env: "",
        }],
      }),
    );
    const r = await runCli(["usage", "quota", "--json"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /sk-test-(pw|query|tok)/);
    const report = JSON.parse(r.stdout);
    assert.equal(report.providers[0].upstreams[0].base_url, "http://127.0.0.1:9/v1?key=***");
    assert.equal(report.providers[0].token_source, "http://127.0.0.1:9/v1?key=***");
  });
  await t.step("serve with no usable token", async () => {
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", configJson({ auth_token_env: "UNSET_VAR" }));
    const r = await runCli(["serve", "--port", "0"], { env: home.env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^error: No usable token for config "w": http:\/\/127\.0\.0\.1:9\/v1\?key=\*\*\*:/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, /sk-test-(pw|query)/);
  });
});

Deno.test("config add, imports and doctor never echo credentials inside a base_url", async (t) => {
  await t.step("config add / add-upstream / remove-upstream", async () => {
    await using home = await createTempHome();
    for (
      const args of [
        ["add", "w", "--base-url", BASE_URL],
        ["add-upstream", "w", "--base-url", BASE_URL.replace("/v1", "/v2")],
        ["remove-upstream", "w", "2"],
      ]
    ) {
      const r = await runCli(["config", ...args], { env: home.env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /http:\/\/127\.0\.0\.1:9\/v[12]\?key=\*\*\*/);
      assert.doesNotMatch(r.stdout + r.stderr, /sk-test-(pw|query)/);
    }
  });
  await t.step("import-from-claude and doctor", async () => {
    await using home = await createTempHome();
    await home.write(
      ".claude/settings.json",
      JSON.stringify({
        env: { ANTHROPIC_AUTH_TOKEN: "sk-test-tok-2222", ANTHROPIC_BASE_URL: BASE_URL },
      }),
    );
    const imported = await runCli(["config", "import-from-claude"], { env: home.env });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /points at http:\/\/127\.0\.0\.1:9\/v1\?key=\*\*\*, a local/);
    const doctor = await runCli(["doctor"], { env: home.env });
    for (const r of [imported, doctor]) {
      assert.doesNotMatch(r.stdout + r.stderr, /sk-test-(pw|query|tok)/);
    }
  });
  await t.step("import-from-codex", async () => {
    await using home = await createTempHome();
    await home.write(
      ".codex/config.toml",
      `model_provider = "p"\n[model_providers.p]\nbase_url = "${BASE_URL}"\n`,
    );
    const r = await runCli(["config", "import-from-codex"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /requests to http:\/\/127\.0\.0\.1:9\/v1\?key=\*\*\* are sent/);
    assert.doesNotMatch(r.stdout + r.stderr, /sk-test-(pw|query)/);
  });
});
