import assert from "node:assert/strict";
import { ConfigSchemaError, validateConfig } from "../../src/config/schema.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const UPSTREAM = { base_url: "https://relay.example/v1", auth: { auth_token_env: "K" } };

function fileText(configs: Record<string, Record<string, unknown>>): string {
  const withPools = Object.fromEntries(
    Object.entries(configs).map(([k, c]) => [k, { ...c, upstreams: [UPSTREAM] }]),
  );
  return JSON.stringify({ codex: { active: "a", configs: withPools } }, null, 2);
}

function validate(text: string): unknown {
  return validateConfig(JSON.parse(text), "config.json", { text });
}

Deno.test("validateConfig() reports a name that differs from its key, with line and column", () => {
  const text = fileText({ a: { name: "b" }, b: { name: "b" } });
  assert.throws(
    () => validate(text),
    (error: unknown) =>
      error instanceof ConfigSchemaError &&
      error.message ===
        `Invalid "config.json": codex.configs.a.name: "b" differs from its key "a"; ` +
          `make the two the same at line 6, column 17`,
  );
});

Deno.test("validateConfig() reports two configs with one alias, and an alias that is another's name", async (t) => {
  await t.step("shared alias", () => {
    const text = fileText({ a: { name: "a", alias: "x" }, b: { name: "b", alias: "x" } });
    assert.throws(
      () => validate(text),
      (error: unknown) =>
        error instanceof ConfigSchemaError &&
        /codex\.configs\.b\.alias: "x" is also the alias of "a"; give each its own at line 19, column 18$/
          .test(error.message),
    );
  });
  await t.step("alias naming another config", () => {
    const text = fileText({ a: { name: "a" }, b: { name: "b", alias: "a" } });
    assert.throws(
      () => validate(text),
      /codex\.configs\.b\.alias: "a" is also the name of another config; choose another at line/,
    );
  });
  await t.step("a config's alias may repeat its own name", () => {
    validate(fileText({ a: { name: "a", alias: "a" } }));
  });
});

Deno.test("config list and remove never act on the wrong entry of a mismatched config.json", async () => {
  await using home = await createTempHome();
  const text = fileText({ a: { name: "b", alias: "x" }, b: { name: "b" } });
  const file = await home.write(".codex-proxy/config.json", text);
  for (const args of [["config", "list"], ["config", "remove", "x"], ["config", "remove", "b"]]) {
    const r = await runCli(args, { env: home.env });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(
      r.stderr,
      /codex\.configs\.a\.name: "b" differs from its key "a".* at line \d+, column \d+/,
    );
  }
  assert.equal(await Deno.readTextFile(file), text);
});

Deno.test("config add refuses a name or alias another config already answers to", async () => {
  await using home = await createTempHome();
  const add = (...args: string[]) =>
    runCli(["config", "add", ...args, "--base-url", "https://relay.example/v1"], {
      env: home.env,
    });
  assert.equal((await add("a", "--alias", "x")).code, 0);
  const before = await Deno.readTextFile(home.paths.configJson);
  const sameAlias = await add("b", "--alias", "x");
  assert.equal(sameAlias.code, 2);
  assert.match(sameAlias.stderr, /--alias "x" already names the codex config "a"/);
  const aliasIsName = await add("b", "--alias", "a");
  assert.match(aliasIsName.stderr, /--alias "a" already names the codex config "a"/);
  const nameIsAlias = await add("x");
  assert.equal(nameIsAlias.code, 2);
  assert.match(nameIsAlias.stderr, /"x" is already the alias of the codex config "a"/);
  assert.equal(await Deno.readTextFile(home.paths.configJson), before);
  assert.equal((await runCli(["config", "list"], { env: home.env })).code, 0);
});
