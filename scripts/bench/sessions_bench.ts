// deno-lint-ignore-file no-console
/**
 * Benchmarks `session list` / `session last` over a synthetic CODEX_HOME as a subprocess (warm page
 * cache, several runs, median wall time and the largest max RSS) and prints README table rows.
 *
 * Usage: deno run -A scripts/bench/sessions_bench.ts [CODEX_HOME] [--runs 7] [--keep]
 *   [--binary PATH]
 * Without CODEX_HOME, one is generated under the temp directory (scripts/bench/sessions_gen.ts)
 * and removed afterwards unless --keep is given. --binary runs a compiled codex-helper instead of
 * `deno run -A main.ts`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateCodexHome } from "./sessions_gen.ts";

const MAIN_TS = fileURLToPath(new URL("../../main.ts", import.meta.url));
const TIME = "/usr/bin/time";

interface Sample {
  ms: number;
  rssKb: number | undefined;
}

async function hasGnuTime(): Promise<boolean> {
  try {
    const out = await new Deno.Command(TIME, { args: ["-f", "%M", "true"], stderr: "piped" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

async function runOnce(
  command: string[],
  options: { env: Record<string, string>; gnuTime: boolean; scratch: string },
): Promise<Sample> {
  const rssFile = join(options.scratch, "rss.txt");
  const [program, ...args] = options.gnuTime
    ? [TIME, "-f", "%M", "-o", rssFile, ...command]
    : command;
  const started = performance.now();
  const out = await new Deno.Command(program!, {
    args,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (!out.success) {
    throw new Error(`${command.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const rssKb = options.gnuTime ? Number((await Deno.readTextFile(rssFile)).trim()) : undefined;
  return { ms, rssKb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function folderSize(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      const sub = await folderSize(path);
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files++;
      bytes += (await Deno.stat(path)).size;
    }
  }
  return { files, bytes };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      runs: { type: "string", default: "7" },
      keep: { type: "boolean", default: false },
      binary: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  let home = positionals[0];
  const generated = home === undefined;
  if (home === undefined) {
    home = await Deno.makeTempDir({ prefix: "codex-sessions-bench-" });
    console.error(`generating a synthetic CODEX_HOME in ${home} ...`);
    await generateCodexHome(home);
  }
  const scratch = await Deno.makeTempDir({ prefix: "codex-sessions-bench-out-" });
  try {
    const size = await folderSize(join(home, "sessions"));
    const base = values.binary ? [values.binary] : [Deno.execPath(), "run", "-A", MAIN_TS];
    const env = {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? scratch,
      CODEX_HOME: home,
      NO_COLOR: "1",
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    };
    const gnuTime = await hasGnuTime();
    const cases: [string, string[]][] = [
      ["session list (project)", ["session", "list", "--path", "/home/dev/projects/app-3"]],
      ["session list --all", ["session", "list", "--all"]],
      ["session last", ["session", "last", "--path", "/home/dev/projects/app-3/packages/core"]],
      ["--version (startup only)", ["--version"]],
    ];
    console.log(
      `${size.files} rollout files, ${(size.bytes / 1024 ** 3).toFixed(2)} GB; ` +
        `${runs} warm runs each (after one untimed run); median wall time, largest max RSS`,
    );
    console.log("| command | median wall | max RSS |");
    console.log("| --- | --- | --- |");
    for (const [name, args] of cases) {
      const command = [...base, ...args];
      await runOnce(command, { env, gnuTime, scratch });
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(await runOnce(command, { env, gnuTime, scratch }));
      }
      const rss = gnuTime
        ? `${Math.round(Math.max(...samples.map((s) => s.rssKb!)) / 1024)} MB`
        : "n/a";
      console.log(`| \`${name}\` | ${Math.round(median(samples.map((s) => s.ms)))} ms | ${rss} |`);
    }
  } finally {
    await Deno.remove(scratch, { recursive: true });
    if (generated && !values.keep) await Deno.remove(home, { recursive: true });
  }
}
