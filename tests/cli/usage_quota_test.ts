import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { startFakeBudgetServer } from "../_fakes/fake_budget_server.ts";

const STORED_TOKEN = "sk-test-stored-token-5f3a9c";
const ENV_TOKEN = "sk-test-env-token-8b1d2e";

function configJson(): string {
  return JSON.stringify({
    codex: {
      active: "packy",
      configs: {
        packy: {
          name: "packy",
          upstreams: [
            { base_url: "https://evilpackycode.com/v1", auth: { auth_token: "sk-test-evil-0000" } },
            { base_url: "https://api.packycode.com/v1", auth: { auth_token: STORED_TOKEN } },
            { base_url: "https://packycode.com:8443/v1", auth: { auth_token_env: "PACKY_KEY" } },
          ],
        },
      },
    },
  });
}

function providersJson(endpoint: string, tokenEnv = ""): string {
  return JSON.stringify({
    providers: [{
      id: "packy",
      kind: "budget_http_json",
      domains: ["packycode.com"],
      endpoint: `${endpoint}?key=${STORED_TOKEN}`,
      token_env: tokenEnv,
      poll_interval_secs: 60,
    }],
  });
}

function assertNoSecret(text: string): void {
  for (const secret of [STORED_TOKEN, ENV_TOKEN, "sk-test-evil-0000", "5f3a9c", "8b1d2e"]) {
    assert.ok(!text.includes(secret), `output leaks ${secret}`);
  }
}

Deno.test("usage quota reports budget, spent and exhausted per provider and upstream", async (t) => {
  await using server = startFakeBudgetServer({
    json: { monthly_budget_usd: 50, monthly_spent_usd: 50.5 },
  });
  await using home = await createTempHome({ PACKY_KEY: ENV_TOKEN });
  await home.write(".codex-proxy/config.json", configJson());
  await home.write(".codex-proxy/usage_providers.json", providersJson(server.url));

  await t.step("table", async () => {
    const r = await runCli(["usage", "quota"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /state: EXHAUSTED/);
    assert.match(r.stdout, /budget: 50 {2}spent: 50\.5 {2}remaining: -0\.5/);
    assert.match(r.stdout, /- https:\/\/api\.packycode\.com\/v1 {2}exhausted/);
    assert.match(r.stdout, /- https:\/\/packycode\.com:8443\/v1 {2}exhausted/);
    assert.doesNotMatch(r.stdout, /evilpackycode/);
    assertNoSecret(r.stdout + r.stderr);
    assert.equal(server.authorizations.at(-1), `Bearer ${STORED_TOKEN}`);
  });

  await t.step("json", async () => {
    server.reply = { json: { monthly_budget_usd: 50, monthly_spent_usd: 10 } };
    const r = await runCli(["usage", "quota", "--json"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const p = out.providers[0];
    assert.deepEqual(
      [p.id, p.state, p.budget, p.spent, p.remaining, p.exhausted],
      ["packy", "ok", 50, 10, 40, false],
    );
    assert.equal(p.token_source, "https://api.packycode.com/v1");
    assert.deepEqual(p.upstreams.map((u: { exhausted: boolean }) => u.exhausted), [false, false]);
    assertNoSecret(r.stdout + r.stderr);
  });

  await t.step("failing endpoint: unknown, never exhausted", async () => {
    server.reply = { status: 500 };
    const r = await runCli(["usage", "quota", "--json"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout).providers[0];
    assert.deepEqual([p.state, p.exhausted, p.error], [
      "unknown",
      null,
      "HTTP 500 from the endpoint",
    ]);
    assertNoSecret(r.stdout + r.stderr);
    server.reply = { garbage: `oops ${STORED_TOKEN}` };
    const g = await runCli(["usage", "quota"], { env: home.env });
    assert.match(g.stdout, /unknown \(the endpoint did not return JSON\)/);
    assertNoSecret(g.stdout + g.stderr);
  });

  await t.step("token_env wins", async () => {
    server.reply = { json: { monthly_budget_usd: 0, monthly_spent_usd: 3 } };
    await home.write(".codex-proxy/usage_providers.json", providersJson(server.url, "PACKY_KEY"));
    const r = await runCli(["usage", "quota"], { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /token: \$PACKY_KEY/);
    assert.match(r.stdout, /state: ok/);
    assert.equal(server.authorizations.at(-1), `Bearer ${ENV_TOKEN}`);
    assertNoSecret(r.stdout + r.stderr);
  });
});

Deno.test("usage quota creates the default providers file when missing", async () => {
  await using home = await createTempHome();
  // the default provider's endpoint is never reached: no upstream matches, so there is no token
  const r = await runCli(["usage", "quota", "--json"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout).providers[0];
  assert.deepEqual([p.id, p.state, p.error, p.upstreams], ["packycode", "not_used", null, []]);
  const text = await runCli(["usage", "quota"], { env: home.env });
  assert.match(
    text.stdout,
    /state: not used \(no upstream of the active configs is on its domains/,
  );
  assert.doesNotMatch(text.stdout, /unknown|failed/);
  const file = JSON.parse(await Deno.readTextFile(home.paths.usageProvidersJson));
  assert.equal(file.providers[0].domains[0], "packycode.com");
});

Deno.test("usage quota reports a malformed providers file and leaves it untouched", async () => {
  await using home = await createTempHome();
  const broken = '{\n  "providers": [\n    { "id": "x", }\n  ]\n}\n';
  const file = await home.write(".codex-proxy/usage_providers.json", broken);
  const r = await runCli(["usage", "quota"], { env: home.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /usage_providers\.json": .* at line 3, column \d+; fix the file by hand/);
  assert.equal(await Deno.readTextFile(file), broken);
});
