/** `serve` never runs without the redaction rules of filter.json. */
import assert from "node:assert/strict";
import { type CliResult, denoEnv, MAIN_TS, runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const CONFIG = JSON.stringify({
  codex: {
    active: "main",
    configs: {
      main: { upstreams: [{ base_url: "http://127.0.0.1:9/v1", auth: { auth_token: "sk-x" } }] },
    },
  },
});

/** `runCli`, but a command that runs on instead of refusing is killed after a generous bound. */
async function runBounded(args: string[], env: Record<string, string>): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, ...args],
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1", ...denoEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("serve refuses to start with an invalid filter.json: exit 1, file, line, column", async (t) => {
  const cases = [
    { name: "not JSON", text: `[\n  { "op": "remove", "source": "secret" },,\n]\n`, at: /line 2/ },
    {
      name: "one invalid rule among good ones",
      text: `[\n  { "op": "remove", "source": "secret" },\n  { "op": "drop", "source": "x" }\n]\n`,
      at: /rule 2: "op" must be "replace" or "remove" at line 3, column \d+/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      await home.write(".codex-proxy/config.json", CONFIG);
      const filter = await home.write(".codex-proxy/filter.json", c.text);
      const r = await runCli(["serve", "--port", "0"], { env: home.env });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /listening/);
      assert.match(r.stderr, /filter\.json/);
      assert.match(r.stderr, c.at);
      assert.match(r.stderr, /does not start without the redaction rules/);
      assert.equal(await Deno.readTextFile(filter), c.text, "the file is left as it is");
    });
  }
});

Deno.test("serve refuses to start when filter.json cannot be read", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", CONFIG);
  await Deno.mkdir(home.paths.filterJson, { recursive: true }); // a folder in its place
  const r = await runCli(["serve", "--port", "0"], { env: home.env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /filter\.json.*folder/);
});

Deno.test({
  name: "serve refuses to start when filter.json is a symlink to nothing",
  ignore: Deno.build.os === "windows", // symlinks need extra rights there
  fn: async () => {
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", CONFIG);
    await Deno.symlink(`${home.dir}/dotfiles/filter.json`, home.paths.filterJson);
    const r = await runBounded(["serve", "--port", "0"], home.env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /listening/);
    assert.match(
      r.stderr,
      /filter\.json": it is a symlink to ".*dotfiles\/filter\.json", which does not exist/,
    );
    assert.match(r.stderr, /does not start without the redaction rules/);
    assert.ok((await Deno.lstat(home.paths.filterJson)).isSymlink, "the link is left as it is");
  },
});

Deno.test("serve starts without filter.json (no rules)", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", CONFIG);
  const serve = await spawnServe([], { env: home.env });
  assert.match(serve.firstLine, /listening on/);
  await serve.stop();
});
