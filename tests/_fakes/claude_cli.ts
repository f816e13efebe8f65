/** Runs the real Claude Code (`.e2e/`, installed by scripts/install_e2e_clients.sh) offline. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the pinned Claude Code is installed. */
export const CLAUDE_BIN: string = fileURLToPath(
  new URL("../../.e2e/node_modules/.bin/claude", import.meta.url),
);

/** True when the pinned Claude Code is installed (end-to-end tests are skipped otherwise). */
export const HAVE_CLAUDE: boolean = await Deno.stat(CLAUDE_BIN).then(() => true, () => false);

/** Options of {@linkcode runClaude}. */
export interface RunClaudeOptions {
  /** The isolated home folder (`CLAUDE_CONFIG_DIR` is `<home>/.claude`). */
  home: string;
  /** Extra variables, e.g. `ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY`, `CLAUDE_CODE_MAX_RETRIES`. */
  env?: Record<string, string>;
}

/** What `claude -p` printed. */
export interface ClaudeResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `claude -p <prompt>` with a cleared environment: isolated home, telemetry and updates off. */
export async function runClaude(prompt: string, options: RunClaudeOptions): Promise<ClaudeResult> {
  const out = await new Deno.Command(CLAUDE_BIN, {
    args: ["-p", prompt],
    clearEnv: true,
    env: {
      HOME: options.home,
      CLAUDE_CONFIG_DIR: join(options.home, ".claude"),
      PATH: Deno.env.get("PATH") ?? "",
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_ERROR_REPORTING: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      NO_COLOR: "1",
      ...options.env,
    },
    cwd: options.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
