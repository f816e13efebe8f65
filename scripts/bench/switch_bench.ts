// deno-lint-ignore-file no-console
/**
 * Benchmark: switch-on / switch-off of a large config.toml (200 MCP servers, 50 profiles, 20
 * providers). Reports the pure edit time (median of 50 runs) and the CLI wall time (median of 5
 * subprocess runs each) in a temp HOME.
 *
 * Usage: deno run -A scripts/bench/switch_bench.ts
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { editSwitchOff, editSwitchOn, proxyProvider } from "../../src/codex/proxy_provider_edit.ts";

const MAIN_TS = fileURLToPath(new URL("../../main.ts", import.meta.url));

function bigConfig(): string {
  const parts = [`# generated\nmodel = "gpt-5"\nmodel_provider = "p0" # usual\n`];
  for (let i = 0; i < 20; i++) {
    parts.push(
      `[model_providers.p${i}]\nname = "P${i}"\nbase_url = "https://p${i}.example.test/v1"\n`,
    );
  }
  for (let i = 0; i < 200; i++) {
    parts.push(`[mcp_servers.s${i}] # server ${i}\ncommand = "npx"\nargs = ["-y", "s${i}"]\n`);
    parts.push(`[mcp_servers.s${i}.env]\nLOG = "info"\n`);
  }
  for (let i = 0; i < 50; i++) parts.push(`[profiles.f${i}]\nmodel = "o3"\n`);
  return parts.join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The Deno cache of this process, so the temp HOME does not trigger downloads. */
async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir: string }).denoDir;
}

const DENO_DIR = Deno.env.get("DENO_DIR") ?? await denoDir();

async function cli(args: string[], home: string): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, ...args],
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "", DENO_DIR },
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`${args.join(" ")} failed`);
  return performance.now() - start;
}

const text = bigConfig();
const provider = proxyProvider(3211);
const onTimes: number[] = [];
const offTimes: number[] = [];
for (let i = 0; i < 50; i++) {
  let t = performance.now();
  const on = editSwitchOn(text, { file: "config.toml", provider });
  onTimes.push(performance.now() - t);
  t = performance.now();
  const off = editSwitchOff(on.text + "# edit\n", { file: "config.toml", ...on });
  offTimes.push(performance.now() - t);
  if (off.text !== text + "# edit\n") throw new Error("round trip differs");
}

const home = await Deno.makeTempDir({ prefix: "switch-bench-" });
const cliOn: number[] = [];
const cliOff: number[] = [];
try {
  await Deno.mkdir(join(home, ".codex"), { recursive: true });
  await Deno.writeTextFile(join(home, ".codex", "config.toml"), text);
  for (let i = 0; i < 5; i++) {
    cliOn.push(await cli(["switch-on", "--port", "1"], home));
    cliOff.push(await cli(["switch-off"], home));
  }
  if ((await Deno.readTextFile(join(home, ".codex", "config.toml"))) !== text) {
    throw new Error("CLI round trip differs");
  }
} finally {
  await Deno.remove(home, { recursive: true });
}

const kb = (new TextEncoder().encode(text).length / 1024).toFixed(0);
const lines = text.split("\n").length;
console.log(`| config.toml ${lines} lines, ${kb} KB | median |`);
console.log(`|---|---|`);
console.log(`| editSwitchOn (pure) | ${median(onTimes).toFixed(1)} ms |`);
console.log(`| editSwitchOff (pure, after a user edit) | ${median(offTimes).toFixed(1)} ms |`);
console.log(`| codex-helper switch-on (CLI, wall) | ${median(cliOn).toFixed(0)} ms |`);
console.log(`| codex-helper switch-off (CLI, wall) | ${median(cliOff).toFixed(0)} ms |`);
