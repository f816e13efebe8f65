/** Writes rollouts for session tests: the real fixtures and generated ones of both formats. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The real Codex 0.169.0 rollouts (cwd "/home/dev/my-app", first prompt "say hi"). */
export const FIXTURE_ROLLOUTS: string[] = [
  "rollout-2026-11-27T13-08-28-01a21d1f-203b-73c1-8dc0-eb6939fb72cd.jsonl",
  "rollout-2026-11-27T13-12-46-01a21d23-0d3b-7582-a0a4-8a527fab8de5.jsonl",
].map((name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

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
