// deno-lint-ignore-file no-console
/**
 * Benchmarks `session list` / `session last` over a synthetic CODEX_HOME as a subprocess (warm page
 * cache, several runs, median wall time and the largest max RSS) and prints README table rows.
 *
 * Usage: deno run -A scripts/bench/sessions_bench.ts [CODEX_HOME] [--runs 7] [--keep]
 *   [--binary PATH] [--compressed 0.7]
 * --compressed F generates the home with the oldest fraction F of the rollouts zstd-compressed; the
 * first (cold) run of each command, which reads and remembers their heads, is reported apart.
 * Without CODEX_HOME, one is generated under the temp directory (scripts/bench/sessions_gen.ts)
 * and removed afterwards unless --keep is given. --binary runs a compiled codex-helper instead of
 * `deno run -A main.ts`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateCodexHome } from "./sessions_gen.ts";
import { findSessions, listRolloutFiles } from "../../src/codex/sessions.ts";

const MAIN_TS = fileURLToPath(new URL("../../main.ts", import.meta.url));
const TIME = "/usr/bin/time";

interface Sample {
  ms: number;
  rssKb: number | undefined;
  /** User + system CPU time: steadier than wall time on a busy machine. */
  cpuMs: number | undefined;
}

async function hasGnuTime(): Promise<boolean> {
  try {
    const out = await new Deno.Command(TIME, { args: ["-f", "%M %U %S", "true"], stderr: "piped" })
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
    ? [TIME, "-f", "%M %U %S", "-o", rssFile, ...command]
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
  if (!options.gnuTime) return { ms, rssKb: undefined, cpuMs: undefined };
  const [rss, user, system] = (await Deno.readTextFile(rssFile)).trim().split(/\s+/).map(Number);
  return { ms, rssKb: rss, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000 };
}

/**
 * Would a metadata cache keyed by path, size and mtime pay off? Compares, in process, the real
 * project scan with the least a cache hit costs: a stat per file, parsing the cache, a lookup each.
 */
async function probeCache(sessionsDir: string, runs: number, headCacheFile: string): Promise<void> {
  const scanMs: number[] = [];
  const cacheMs: number[] = [];
  const all = await findSessions(sessionsDir, { limit: 0, headCacheFile });
  const cacheText = JSON.stringify(
    Object.fromEntries(all.sessions.map((s) => [s.path, {
      size: 0,
      mtime: s.updatedAt.getTime(),
      id: s.id,
      cwd: s.cwd,
      provider: s.modelProvider,
      originator: s.originator,
      cli_version: s.cliVersion,
      started_at: s.startedAt,
    }])),
  );
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await findSessions(sessionsDir, {
      project: "/home/dev/projects/app-3",
      limit: 1,
      headCacheFile,
    });
    scanMs.push(performance.now() - started);
    started = performance.now();
    const files = listRolloutFiles(sessionsDir)?.files ?? [];
    const cache = JSON.parse(cacheText) as Record<string, { mtime: number; cwd: string }>;
    let hits = 0;
    for (const path of files) {
      const info = Deno.statSync(path);
      if (cache[path]?.mtime === info.mtime?.getTime() && info.size >= 0) hits++;
    }
    cacheMs.push(performance.now() - started);
    if (hits !== files.length) throw new Error(`cache probe: ${hits} of ${files.length} hits`);
  }
  console.log(
    `\nin process, project scan ${Math.round(median(scanMs))} ms vs. best-case cache hit ` +
      `${Math.round(median(cacheMs))} ms (stat every file + parse ${
        (cacheText.length / 1024 ** 2).toFixed(1)
      } MB of cache)`,
  );
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
      compressed: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  let home = positionals[0];
  const generated = home === undefined;
  if (home === undefined) {
    home = await Deno.makeTempDir({ prefix: "codex-sessions-bench-" });
    console.error(`generating a synthetic CODEX_HOME in ${home} ...`);
    const compressed = values.compressed === undefined ? 0 : Number(values.compressed);
    const made = await generateCodexHome(home, { compressed });
    console.error(`${made.compressedFiles} of ${made.files} rollouts compressed`);
  }
  const scratch = await Deno.makeTempDir({ prefix: "codex-sessions-bench-out-" });
  try {
    const size = await folderSize(join(home, "sessions"));
    const base = values.binary ? [values.binary] : [Deno.execPath(), "run", "-A", MAIN_TS];
    const env = {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? scratch,
      CODEX_HOME: home,
      // The heads of compressed rollouts are remembered here (not in the real ~/.codex-proxy).
      CODEX_PROXY_HOME: join(scratch, "proxy-home"),
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
    console.log("| command | median wall | median CPU (user+sys) | max RSS | first (cold) run |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const [name, args] of cases) {
      const command = [...base, ...args];
      await Deno.remove(env.CODEX_PROXY_HOME, { recursive: true }).catch(() => {});
      const cold = await runOnce(command, { env, gnuTime, scratch });
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(await runOnce(command, { env, gnuTime, scratch }));
      }
      const rss = gnuTime
        ? `${Math.round(Math.max(...samples.map((s) => s.rssKb!)) / 1024)} MB`
        : "n/a";
      const cpu = gnuTime ? `${Math.round(median(samples.map((s) => s.cpuMs!)))} ms` : "n/a";
      const wall = `${Math.round(median(samples.map((s) => s.ms)))} ms`;
      const coldText = `${Math.round(cold.ms)} ms` +
        (gnuTime ? `, ${Math.round(cold.rssKb! / 1024)} MB` : "");
      console.log(`| \`${name}\` | ${wall} | ${cpu} | ${rss} | ${coldText} |`);
    }
    await probeCache(join(home, "sessions"), runs, join(scratch, "probe_heads.json"));
  } finally {
    await Deno.remove(scratch, { recursive: true });
    if (generated && !values.keep) await Deno.remove(home, { recursive: true });
  }
}
