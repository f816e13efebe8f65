// deno-lint-ignore-file no-console
/**
 * Benchmark: `usage summary` over 1,000,000 request-log lines (current file and five rotations)
 * in a temp HOME, run as a subprocess. Reports wall time, and CPU time and peak RSS from GNU time.
 * A log this big is read by a worker and the main thread at once (src/usage/summarize_log.ts).
 *
 * Usage: deno run -A scripts/bench/usage_summary_bench.ts [--lines 1000000] [--by config] [--since 24h]
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN_TS = fileURLToPath(new URL("../../main.ts", import.meta.url));

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] ?? fallback : fallback;
}

const totalLines = Number(arg("--lines", "1000000"));
const by = arg("--by", "config");
const since = arg("--since", "");
const CONFIGS = ["packy", "backup", "work", "personal"];
const MODELS = ["gpt-5", "gpt-5-codex", "gpt-5-mini"];
const UPSTREAMS = ["https://api.packycode.com/v1", "https://relay.example.net/openai"];

function line(i: number, start: number): string {
  const bad = i % 10_000 === 9_999;
  if (bad) return "{truncated";
  const status = i % 50 === 0 ? 502 : 200;
  const upstream = UPSTREAMS[i % UPSTREAMS.length]!;
  return JSON.stringify({
    timestamp_ms: start + i * 1_000,
    service: "codex",
    method: "POST",
    path: "/v1/responses",
    status_code: status,
    duration_ms: 200 + (i * 7919) % 30_000,
    config_name: CONFIGS[i % CONFIGS.length],
    upstream_base_url: upstream,
    usage: status === 200
      ? {
        input_tokens: 1000 + i % 5000,
        output_tokens: 100 + i % 900,
        reasoning_tokens: i % 300,
        total_tokens: 1100 + i % 5000 + i % 900,
        cached_input_tokens: i % 800,
      }
      : null,
    model: MODELS[i % MODELS.length],
    ttfb_ms: 150 + i % 400,
    outcome: status === 200 ? "completed" : "upstream_error",
    attempts: [{ upstream_base_url: upstream, status_code: status, error: null, duration_ms: 300 }],
  });
}

async function generate(logsDir: string): Promise<number> {
  await Deno.mkdir(logsDir, { recursive: true });
  const files = ["requests.jsonl.5", "requests.jsonl.4", "requests.jsonl.3", "requests.jsonl.2"]
    .concat(["requests.jsonl.1", "requests.jsonl"]);
  const perFile = Math.ceil(totalLines / files.length);
  const start = Date.now() - totalLines * 1_000;
  const encoder = new TextEncoder();
  let bytes = 0;
  let i = 0;
  for (const name of files) {
    const file = await Deno.open(join(logsDir, name), {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      const end = Math.min(totalLines, i + perFile);
      while (i < end) {
        const batch: string[] = [];
        for (let j = 0; j < 10_000 && i < end; j++, i++) batch.push(line(i, start));
        const data = encoder.encode(batch.join("\n") + "\n");
        bytes += data.length;
        let written = 0;
        while (written < data.length) written += await file.write(data.subarray(written));
      }
      await file.syncData(); // no write-back competing with the measured runs
    } finally {
      file.close();
    }
  }
  return bytes;
}

/** Runs the command under /usr/bin/time (GNU) for CPU time and peak RSS when it is there. */
async function hasGnuTime(): Promise<boolean> {
  try {
    const out = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "true"],
      stderr: "piped",
    })
      .output();
    return out.success && /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
  } catch {
    return false;
  }
}

interface Run {
  wallMs: number;
  cpu: string;
  rss: string;
  summary: { rows: { requests: number }[]; malformed_lines: number };
}

/** Runs `usage summary --json` once (optionally with extra V8 flags) and measures it. */
async function runSummary(home: string, v8Flags: string[] = []): Promise<Run> {
  const stats = join(home, "time.txt");
  const cli = [Deno.execPath(), "run", "-A", "--quiet", ...v8Flags, MAIN_TS];
  cli.push("usage", "summary", "--by", by, "--json");
  if (since !== "") cli.push("--since", since);
  const gnuTime = await hasGnuTime();
  const [cmd, ...args] = gnuTime ? ["/usr/bin/time", "-o", stats, "-f", "%U %S %M", ...cli] : cli;
  const started = performance.now();
  const out = await new Deno.Command(cmd!, {
    args,
    env: { HOME: home, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallMs = performance.now() - started;
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  let cpu = "n/a";
  let rss = "n/a";
  if (gnuTime) {
    const [user, sys, kb] = (await Deno.readTextFile(stats)).trim().split(/\s+/).map(Number);
    cpu = `${((user ?? 0) + (sys ?? 0)).toFixed(2)} s`;
    rss = `${((kb ?? 0) / 1024).toFixed(0)} MB`;
  }
  return { wallMs, cpu, rss, summary: JSON.parse(new TextDecoder().decode(out.stdout)) };
}

const home = await Deno.makeTempDir({ prefix: "codex-helper-bench-" });
try {
  const bytes = await generate(join(home, ".codex-proxy", "logs"));
  // one unmeasured run first: this process's clean-up after generating competes for the cores
  await runSummary(home);
  const run = await runSummary(home);
  const counted = run.summary.rows.reduce((n, r) => n + r.requests, 0);
  console.log(`lines: ${totalLines} (${(bytes / 1e6).toFixed(0)} MB in 6 files), by ${by}`);
  console.log(`records: ${counted}, malformed: ${run.summary.malformed_lines}`);
  // bounded memory: the same run must also complete with the V8 heap capped at 32 MB
  const capped = await runSummary(home, ["--v8-flags=--max-old-space-size=32"]);
  const label = `usage summary${since ? ` --since ${since}` : ""}, ${totalLines} lines`;
  console.log(
    `| ${label} | ${(run.wallMs / 1000).toFixed(2)} s wall | ${run.cpu} CPU | ` +
      `${run.rss} peak RSS | completes with a 32 MB heap cap (${capped.rss} RSS) |`,
  );
} finally {
  await Deno.remove(home, { recursive: true });
}
