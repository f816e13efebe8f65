// deno-lint-ignore-file no-console
/**
 * How long config edits take: in-process `updateConfig` (lock + re-read + atomic save + .bak),
 * the import planner, and N CLI processes adding configs at once. Prints README table rows.
 * Run: deno run -A scripts/bench/config_update_bench.ts
 */
import { resolvePaths } from "../../src/config/paths.ts";
import { planCodexImport } from "../../src/config/plan_codex_import.ts";
import { readConfig, updateConfig } from "../../src/config/store.ts";

const MAIN_TS = new URL("../../main.ts", import.meta.url).pathname;

async function timeIt(
  runs: number,
  fn: (i: number) => Promise<unknown> | unknown,
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn(i);
  return (performance.now() - start) / runs;
}

const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
  .output();
const denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
const home = await Deno.makeTempDir({ prefix: "codex-helper-bench-" });
try {
  const env: Record<string, string> = { HOME: home };
  const paths = resolvePaths({ env: (k) => env[k] });
  const upstream = { base_url: "https://a.example.com/v1", auth: { auth_token_env: "K" } };
  const edit = await timeIt(200, (i) =>
    updateConfig(paths, (c) => {
      c.codex.configs[`c${i % 20}`] = { name: `c${i % 20}`, upstreams: [upstream], n: i };
    }));
  let toml = 'model_provider = "p0"\n';
  for (let i = 0; i < 50; i++) {
    toml +=
      `[model_providers.p${i}]\nbase_url = "https://p${i}.example.com/v1"\nenv_key = "K${i}"\n`;
  }
  const plan = await timeIt(200, () =>
    planCodexImport({
      configToml: { path: "config.toml", text: toml },
      backupToml: { path: "backup", text: undefined },
      authJson: { path: "auth.json", text: '{"OPENAI_API_KEY": "sk-test-bench"}' },
    }, () => "x"));
  const procs = 8;
  const start = performance.now();
  const codes = await Promise.all(
    Array.from({ length: procs }, (_, i) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          MAIN_TS,
          "config",
          "add",
          `p${i}`,
          "--base-url",
          "https://x",
        ],
        env: { HOME: home, DENO_DIR: denoDir },
        stdout: "null",
        stderr: "null",
      }).output().then((o) => o.code)),
  );
  const wall = performance.now() - start;
  const { config } = await readConfig(paths);
  const landed = Array.from({ length: procs }, (_, i) => `p${i}`)
    .filter((n) => n in config.codex.configs).length;
  console.log("| measurement | result |");
  console.log("|---|---|");
  console.log(
    `| updateConfig (lock, re-read, atomic save, .bak), 20 configs | ${edit.toFixed(2)} ms/edit |`,
  );
  console.log(`| planCodexImport, 50 providers | ${plan.toFixed(3)} ms |`);
  console.log(
    `| ${procs} concurrent \`config add\` processes | ${wall.toFixed(0)} ms wall, ${
      codes.filter((c) => c === 0).length
    }/${procs} exit 0, ${landed}/${procs} configs saved |`,
  );
} finally {
  await Deno.remove(home, { recursive: true });
}
