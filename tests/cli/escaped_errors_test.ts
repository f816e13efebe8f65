/** Errors and `serve`'s own lines show control characters from files and arguments escaped. */
import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { assertNoControl, ESCAPED, HOSTILE } from "../_fakes/hostile_text.ts";

Deno.test("an error naming an argument or a key of config.json shows it escaped", async (t) => {
  await using home = await createTempHome();
  await t.step("an unknown config name typed on the command line", async () => {
    const r = await runCli(["config", "set-active", `n${HOSTILE}`], { env: home.env });
    assert.equal(r.code, 1, r.stderr);
    assertNoControl(r.stderr, "stderr");
    assert.ok(r.stderr.includes(`n${ESCAPED}`), r.stderr);
  });
  await t.step("an invalid field under a hostile key of config.json", async () => {
    await home.write(
      ".codex-proxy/config.json",
      JSON.stringify({
        codex: {
          configs: { [`k${HOSTILE}`]: { name: `k${HOSTILE}`, upstreams: [{ base_url: 1 }] } },
        },
      }),
    );
    const r = await runCli(["config", "list"], { env: home.env });
    assert.equal(r.code, 1, r.stderr);
    assertNoControl(r.stderr, "stderr");
    assert.ok(r.stderr.includes(`k${ESCAPED}`), r.stderr);
  });
  await t.step("an unknown option", async () => {
    const r = await runCli(["status", `--x${HOSTILE}`], { env: home.env });
    assert.equal(r.code, 2, r.stderr);
    assertNoControl(r.stderr, "stderr");
    assert.ok(r.stderr.includes(`--x${ESCAPED}`), r.stderr);
  });
});

Deno.test("serve --switch prints the active config's name and Codex's path escaped", async () => {
  await using home = await createTempHome();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: `w${HOSTILE}`,
        configs: {
          [`w${HOSTILE}`]: {
            name: `w${HOSTILE}`,
            upstreams: [
              { base_url: "https://relay.example/v1", auth: { auth_token_env: "K" } },
              { base_url: "https://other.example/v1", auth: { auth_token_env: "UNSET" } },
            ],
          },
        },
      },
    }),
  );
  const codexHome = `${home.dir}/c${HOSTILE}`;
  await home.write(`c${HOSTILE}/config.toml`, 'model = "gpt-5"\n');
  const env = { ...home.env, K: "sk-test", CODEX_HOME: codexHome };
  await using serve = await spawnServe(["--switch"], { env });
  assertNoControl(serve.firstLine, "start-up line");
  assert.ok(serve.firstLine.includes(`w${ESCAPED}`), serve.firstLine);
  await serve.waitForLine(/now points at/);
  const exit = await serve.stop();
  assertNoControl(exit.stdout, "stdout");
  assertNoControl(exit.stderr, "stderr");
  assert.ok(exit.stdout.includes(`c${ESCAPED}`), exit.stdout);
  assert.match(exit.stdout, /switched back/);
});

Deno.test("config import-from-codex and set-active print a provider id from config.toml escaped", async () => {
  await using home = await createTempHome();
  // TOML spells the control characters as \u escapes
  const id = "r\\u001b[31mx\\u202e";
  await home.write(
    ".codex/config.toml",
    `model_provider = "${id}"\n[model_providers."${id}"]\nname = "R"\nbase_url = "https://relay.example/v1"\nenv_key = "RK"\n`,
  );
  const env = { ...home.env, RK: "sk-test" };
  const imported = await runCli(["config", "import-from-codex"], { env });
  assert.equal(imported.code, 0, imported.stderr);
  assertNoControl(imported.stdout, "import stdout");
  assert.ok(imported.stdout.includes("r\\x1b[31mx\\u202e"), imported.stdout);
  const active = await runCli(["config", "set-active", "r\u001b[31mx\u202e"], { env });
  assert.equal(active.code, 0, active.stderr);
  assertNoControl(active.stdout, "set-active stdout");
  const json = await runCli(["config", "list", "--json"], { env });
  assert.equal(JSON.parse(json.stdout).active, "r\u001b[31mx\u202e", "JSON keeps the exact name");
});
