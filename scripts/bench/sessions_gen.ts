// deno-lint-ignore-file no-console
/**
 * Generates a synthetic CODEX_HOME for the `session list` benchmark: 10,000 rollouts over a year of
 * day folders, more than 2 GB in all, some files 20-100 MB, first lines shaped like a real
 * `session_meta` (~21 KB of base_instructions).
 *
 * With --compressed F, the oldest fraction F of the sessions (not the large ones) are written as
 * `rollout-*.jsonl.zst`, as Codex does for idle rollouts.
 *
 * Usage: deno run -A scripts/bench/sessions_gen.ts [DIR] [--sessions N] [--big N] [--compressed F]
 * DIR defaults to a new folder under the system temp directory; it is printed on the last line.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { zstdCompressSync } from "node:zlib";

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;

/** Options of {@linkcode generateCodexHome}. */
export interface GenerateOptions {
  sessions?: number;
  /** How many large (20-100 MB) rollouts. */
  big?: number;
  /** Deterministic seed. */
  seed?: number;
  /** Fraction (0-1) of the sessions, the oldest first, written zstd-compressed. Default 0. */
  compressed?: number;
}

/** What was written. */
export interface GenerateResult {
  files: number;
  /** Uncompressed bytes. */
  bytes: number;
  /** Files written as `.jsonl.zst`. */
  compressedFiles: number;
  projects: string[];
}

function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${
    hex.slice(20)
  }`;
}

const INSTRUCTIONS_PARAGRAPH =
  "You are a coding agent running in the Codex CLI, a terminal-based coding assistant. " +
  "You are expected to be precise, safe, and helpful.\n\n## Planning\n\nUse `update_plan` to keep " +
  "an up-to-date, step-by-step plan for the task; mark each finished step as `completed`.\n\n";
const BASE_INSTRUCTIONS = INSTRUCTIONS_PARAGRAPH.repeat(
  Math.ceil(21_000 / INSTRUCTIONS_PARAGRAPH.length),
)
  .slice(0, 21_000);

const PROMPTS = [
  "fix the failing test in the parser and explain why it broke",
  "add a --json flag to the list command",
  "重构会话列表模块，使其在大量文件时依然快速，并补充中文文档和测试用例",
  "why does the build fail on windows? 🪟 please check the path handling 🙏",
  "write a migration for the users table that adds a nullable email_verified_at column",
  "review this diff and point out anything risky before I merge it into main",
];

function line(value: unknown): string {
  return JSON.stringify(value) + "\n";
}

function headLines(
  options: { id: string; cwd: string; at: Date; provider: string; prompt: string; legacy: boolean },
): string {
  const ts = options.at.toISOString();
  const meta = line({
    timestamp: ts,
    ordinal: 0,
    type: "session_meta",
    payload: {
      account_scoped: true,
      session_id: options.id,
      id: options.id,
      timestamp: ts,
      cwd: options.cwd,
      runtime_workspace_roots: [options.cwd],
      originator: options.legacy ? "codex_cli_rs" : "codex_exec",
      cli_version: options.legacy ? "0.40.0" : "0.169.0",
      source: "exec",
      thread_source: "user",
      model_provider: options.provider,
      base_instructions: { text: BASE_INSTRUCTIONS, provenance: { type: "model", model: "m" } },
      history_mode: "paginated",
    },
  });
  const message = (role: string, text: string) =>
    line({
      timestamp: ts,
      type: "response_item",
      payload: { type: "message", role, content: [{ type: "input_text", text }] },
    });
  const context = message(
    "user",
    `<environment_context>\n  <cwd>${options.cwd}</cwd>\n  <shell>bash</shell>\n</environment_context>`,
  );
  const developer = message("developer", "<skills_instructions>\n" + "skill line\n".repeat(280));
  const prompt = options.legacy
    ? line({
      timestamp: ts,
      type: "event_msg",
      payload: { type: "user_message", message: options.prompt },
    })
    : message("user", options.prompt);
  return meta + developer + context + prompt;
}

function fillerBuffer(): Uint8Array {
  const item = line({
    timestamp: "2026-01-01T00:00:00.000Z",
    type: "response_item",
    payload: {
      type: "function_call_output",
      call_id: "call_0",
      output: "total 0\n" + "-rw-r--r-- 1 dev dev 120 src/main.ts\n".repeat(40),
    },
  });
  return new TextEncoder().encode(item.repeat(Math.ceil(MB / item.length)));
}

/** Writes the synthetic sessions under `home/sessions/YYYY/MM/DD/`. */
export async function generateCodexHome(
  home: string,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const count = options.sessions ?? 10_000;
  const bigCount = options.big ?? 30;
  const random = createRandom(options.seed ?? 42);
  const filler = fillerBuffer();
  const encoder = new TextEncoder();
  const projects = Array.from({ length: 40 }, (_, i) => `/home/dev/projects/app-${i}`);
  const bigEvery = Math.max(1, Math.floor(count / Math.max(1, bigCount)));
  const end = Date.UTC(2026, 10, 27);
  let bytes = 0;
  let compressedFiles = 0;
  const compressedCount = Math.floor(count * (options.compressed ?? 0));
  for (let i = 0; i < count; i++) {
    const at = new Date(end - 365 * DAY_MS + Math.floor((i / count) * 365 * DAY_MS));
    const project = projects[Math.floor(random() * projects.length)]!;
    const roll = random();
    const cwd = roll < 0.1 ? `${project}/packages/core` : roll < 0.13 ? "/home/dev" : project;
    const id = uuid(random);
    const stamp = at.toISOString().slice(0, 19).replaceAll(":", "-");
    const dir = join(home, "sessions", stamp.slice(0, 4), stamp.slice(5, 7), stamp.slice(8, 10));
    await Deno.mkdir(dir, { recursive: true });
    const path = join(dir, `rollout-${stamp}-${id}.jsonl`);
    const head = encoder.encode(headLines({
      id,
      cwd,
      at,
      provider: random() < 0.3 ? "openai" : "codex-helper",
      prompt: PROMPTS[i % PROMPTS.length]!,
      legacy: i % 5 === 0,
    }));
    const big = bigCount > 0 && i % bigEvery === bigEvery - 1;
    const target = big
      ? (20 + Math.floor(random() * 81)) * MB
      : 30_000 + Math.floor(random() * 170_000);
    if (!big && i < compressedCount) {
      const plain = new Uint8Array(Math.max(target, head.length));
      plain.set(head);
      for (let at = head.length; at < plain.length; at += filler.length) {
        plain.set(filler.subarray(0, Math.min(filler.length, plain.length - at)), at);
      }
      const zst = `${path}.zst`;
      await Deno.writeFile(zst, zstdCompressSync(plain));
      bytes += plain.length;
      compressedFiles++;
      const mtime = new Date(at.getTime() + Math.floor(random() * 3 * 3_600_000));
      await Deno.utime(zst, mtime, mtime);
      continue;
    }
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    try {
      await file.write(head);
      let written = head.length;
      while (written < target) {
        const chunk = filler.subarray(0, Math.min(filler.length, target - written));
        let offset = 0;
        while (offset < chunk.length) offset += await file.write(chunk.subarray(offset));
        written += chunk.length;
      }
      bytes += written;
    } finally {
      file.close();
    }
    const mtime = new Date(at.getTime() + Math.floor(random() * 3 * 3_600_000));
    await Deno.utime(path, mtime, mtime);
  }
  return { files: count, bytes, compressedFiles, projects };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      sessions: { type: "string" },
      big: { type: "string" },
      compressed: { type: "string" },
    },
  });
  const home = positionals[0] ?? await Deno.makeTempDir({ prefix: "codex-sessions-bench-" });
  const started = performance.now();
  const result = await generateCodexHome(home, {
    ...(values.sessions ? { sessions: Number(values.sessions) } : {}),
    ...(values.big ? { big: Number(values.big) } : {}),
    ...(values.compressed ? { compressed: Number(values.compressed) } : {}),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(
    `wrote ${result.files} sessions (${result.compressedFiles} compressed), ` +
      `${(result.bytes / 1024 ** 3).toFixed(2)} GB in ${seconds} s`,
  );
  console.log(home);
}
