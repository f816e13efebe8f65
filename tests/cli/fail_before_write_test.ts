/** Commands that will fail do so before they write; ~/.codex-proxy is created 0700 by every command. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";

const BROKEN_CONFIG = `{\n  "codex": {\n    "configs": {,\n}\n`;

/** Every file and folder under `dir`, relative, sorted. */
async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string, prefix: string) => {
    try {
      for await (const entry of Deno.readDir(at)) {
        out.push(prefix + entry.name);
        if (entry.isDirectory) await walk(join(at, entry.name), `${prefix}${entry.name}/`);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  await walk(dir, "");
  return out.sort();
}

Deno.test("a broken config.json stops switch-on and usage quota before they write", async (t) => {
  const commands = [["switch-on"], ["switch-on", "--claude"], ["usage", "quota"]];
  for (const args of commands) {
    await t.step(args.join(" "), async () => {
      await using home = await createTempHome();
      await home.write(".codex-proxy/config.json", BROKEN_CONFIG);
      const before = await listTree(home.dir);
      const r = await runCli(args, { env: home.env });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /config\.json": .* at line 3, column 17/);
      assert.deepEqual(await listTree(home.dir), before, "nothing created");
      assert.equal(await Deno.readTextFile(home.paths.configJson), BROKEN_CONFIG);
    });
  }
});

Deno.test("switch-on on an unreadable config.toml creates nothing", async () => {
  await using home = await createTempHome();
  await Deno.mkdir(home.paths.codexHome, { recursive: true });
  await Deno.writeFile(home.paths.codexConfigToml, new Uint8Array([0x6d, 0xff, 0xfe, 0x0a]));
  const before = await listTree(home.dir);
  const r = await runCli(["switch-on"], { env: home.env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /config\.toml/);
  assert.deepEqual(await listTree(home.dir), before);
});

async function modeOfProxyHome(home: TempHome): Promise<number | undefined> {
  try {
    return (await Deno.stat(home.paths.proxyHome)).mode! & 0o777;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

Deno.test({
  name: "every command that creates ~/.codex-proxy creates it 0700",
  ignore: Deno.build.os === "windows",
  fn: async (t) => {
    const codexToml = `model_provider = "relay"\n[model_providers.relay]\n` +
      `base_url = "http://127.0.0.1:9/v1"\nenv_key = "RELAY_API_KEY"\n`;
    const env = { RELAY_API_KEY: "sk-test-relay-0700" };
    const commands: string[][] = [
      ["config", "add", "x", "--base-url", "https://a.example.com/v1", "--auth-token-env", "A_KEY"],
      ["config", "import-from-codex"],
      ["config", "import-from-claude"],
      ["switch-on"],
      ["switch-off"],
      ["switch-on", "--claude"],
      ["switch-off", "--claude"],
      ["usage", "quota"],
      ["usage", "summary"],
      ["status"],
      ["doctor"],
    ];
    const created: string[] = [];
    for (const args of commands) {
      await t.step(args.join(" "), async () => {
        await using home = await createTempHome(env);
        await home.write(".codex/config.toml", codexToml);
        await home.write(".claude/settings.json", `{"env": {"ANTHROPIC_API_KEY": "sk-test-c"}}\n`);
        const r = await runCli(args, { env: home.env });
        const mode = await modeOfProxyHome(home);
        if (mode !== undefined) {
          created.push(args.join(" "));
          assert.equal(mode.toString(8), "700", `${args.join(" ")}: ${r.stderr}`);
        }
      });
    }
    await t.step("serve (first start imports from Codex, writes the log)", async () => {
      await using home = await createTempHome(env);
      await home.write(".codex/config.toml", codexToml);
      const serve = await spawnServe([], { env: home.env });
      await fetch(`${serve.url}/v1/responses`, { method: "POST", body: "{}" }).then((r) =>
        r.body?.cancel()
      );
      await serve.stop();
      assert.equal((await modeOfProxyHome(home))?.toString(8), "700");
      const logs = await Deno.stat(home.paths.logsDir).catch(() => undefined);
      if (logs) assert.equal((logs.mode! & 0o777).toString(8), "700");
    });
    assert.ok(created.length >= 6, `only ${created.join(", ")} created the folder`);
  },
});
