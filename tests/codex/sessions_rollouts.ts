/** Writes rollouts for session tests: the real fixtures and generated ones of both formats. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The real Codex 0.169.0 rollouts (cwd "/home/dev/my-app", first prompt "say hi"). */
export const FIXTURE_ROLLOUTS: string[] = [
  "rollout-2026-11-27T13-08-28-01a21d1f-203b-73c1-8dc0-eb6939fb72cd.jsonl",
  "rollout-2026-11-27T13-12-46-01a21d23-0d3b-7582-a0a4-8a527fab8de5.jsonl",
].map((name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

/**
 * Rollouts written by Codex 0.171.0 (cwd "/home/dev/my-app", provider "relay"): paginated, a fork
 * of it, a legacy one (no `history_mode`, resumed once by 0.171.0) and a zstd-compressed one.
 */
export const FIXTURES_0171 = {
  paginated: "rollout-2026-12-06T16-34-28-01a24c34-f476-73a3-b6d5-17dd53d57965.jsonl",
  fork: "rollout-2026-12-06T16-34-30-01a24c34-faa2-7632-9841-3e004a167a32.jsonl",
  legacy: "rollout-2026-12-06T16-34-31-01a24c35-000e-7862-b296-389b8026d205.jsonl",
  compressed: "rollout-2026-12-06T16-34-36-01a24c35-1539-7251-b2c7-860df4abe598.jsonl.zst",
};

/** Copies the Codex 0.171.0 fixtures into `sessionsDir/2026/12/06/`; returns their paths by kind. */
export async function copyFixtures0171(
  sessionsDir: string,
): Promise<Record<keyof typeof FIXTURES_0171, string>> {
  const dir = join(sessionsDir, "2026", "12", "06");
  await Deno.mkdir(dir, { recursive: true });
  const out = {} as Record<keyof typeof FIXTURES_0171, string>;
  for (const [kind, name] of Object.entries(FIXTURES_0171)) {
    const path = join(dir, name);
    await Deno.copyFile(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), path);
    out[kind as keyof typeof FIXTURES_0171] = path;
  }
  return out;
}

/** Options of {@linkcode writeRollout}. */
export interface RolloutSpec {
  id: string;
  cwd: string;
  prompt?: string;
  /** Older Codex: the prompt as an `event_msg` `user_message`. */
  legacy?: boolean;
  /** Modification time (the session's "updated"). */
  mtime?: Date;
  provider?: string;
  /** Put base_instructions before cwd, so the metadata needs more than one read. */
  instructionsFirst?: boolean;
  /** Raw text appended after the generated lines. */
  tail?: string;
}

function line(value: unknown): string {
  return JSON.stringify(value) + "\n";
}

/** The text of a generated rollout. */
export function rolloutText(spec: RolloutSpec): string {
  const instructions = { text: "Be precise, safe, and helpful. ‑ ".repeat(700) };
  const payload = spec.instructionsFirst
    ? {
      base_instructions: instructions,
      id: spec.id,
      timestamp: "2026-01-02T03:04:05.000Z",
      cwd: spec.cwd,
    }
    : {
      id: spec.id,
      timestamp: "2026-01-02T03:04:05.000Z",
      cwd: spec.cwd,
      base_instructions: instructions,
    };
  const meta = {
    timestamp: "2026-01-02T03:04:05.006Z",
    type: "session_meta",
    payload: {
      ...payload,
      originator: "codex_cli_rs",
      cli_version: "0.50.0",
      model_provider: spec.provider ?? "openai",
    },
  };
  const message = (text: string) =>
    line({
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
    });
  let text = line(meta) +
    message(`# AGENTS.md instructions for ${spec.cwd}\n\n<INSTRUCTIONS>be nice</INSTRUCTIONS>`) +
    message(`<environment_context>\n  <cwd>${spec.cwd}</cwd>\n</environment_context>`);
  if (spec.prompt !== undefined) {
    text += spec.legacy
      ? line({ type: "event_msg", payload: { type: "user_message", message: spec.prompt } })
      : message(spec.prompt);
  }
  return text + (spec.tail ?? "");
}

/** Writes a generated rollout under `sessionsDir/2026/01/02/` and returns its path. */
export async function writeRollout(sessionsDir: string, spec: RolloutSpec): Promise<string> {
  const dir = join(sessionsDir, "2026", "01", "02");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `rollout-2026-01-02T03-04-05-${spec.id}.jsonl`);
  await Deno.writeTextFile(path, rolloutText(spec));
  if (spec.mtime) await Deno.utime(path, spec.mtime, spec.mtime);
  return path;
}

/** Copies the real fixtures into `sessionsDir/2026/11/27/`. */
export async function copyFixtures(sessionsDir: string, mtime?: Date): Promise<string[]> {
  const dir = join(sessionsDir, "2026", "11", "27");
  await Deno.mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const source of FIXTURE_ROLLOUTS) {
    const path = join(dir, source.split(/[\\/]/).pop()!);
    await Deno.copyFile(source, path);
    if (mtime) await Deno.utime(path, mtime, mtime);
    paths.push(path);
  }
  return paths;
}
