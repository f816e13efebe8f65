// deno-lint-ignore-file no-console
/**
 * `deno task bench`: runs every benchmark under scripts/bench one after the other (they would
 * disturb each other in parallel on a small machine) and prints their Markdown tables.
 *
 * Usage: deno task bench [--only proxy,sessions,sessions-zst,usage,switch,config]
 */
import { fileURLToPath } from "node:url";

/** The benchmarks, in the order of the README's table. */
const BENCHES: { name: string; script: string; args: string[] }[] = [
  { name: "proxy", script: "proxy_bench.ts", args: [] },
  { name: "sessions", script: "sessions_bench.ts", args: [] },
  { name: "sessions-zst", script: "sessions_bench.ts", args: ["--compressed", "0.7"] },
  { name: "usage", script: "usage_summary_bench.ts", args: [] },
  { name: "switch", script: "switch_bench.ts", args: [] },
  { name: "config", script: "config_update_bench.ts", args: [] },
];

const onlyIndex = Deno.args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set((Deno.args[onlyIndex + 1] ?? "").split(",")) : undefined;
let failed = 0;
for (const bench of BENCHES) {
  if (only !== undefined && !only.has(bench.name)) continue;
  const path = fileURLToPath(new URL(bench.script, import.meta.url));
  console.log(`\n## ${bench.name} (${bench.script})\n`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...bench.args],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    failed++;
    console.error(`benchmark "${bench.name}" failed with exit code ${status.code}`);
  }
}
Deno.exit(failed === 0 ? 0 : 1);
