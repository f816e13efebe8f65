/** The real Codex CLI installed by scripts/install_e2e_clients.sh, run offline in a temp home. */
import { fileURLToPath } from "node:url";

/** Path of the installed `codex` binary. */
export const CODEX_BIN: string = fileURLToPath(
  new URL("../../.e2e/node_modules/.bin/codex", import.meta.url),
);

/** True when the real Codex CLI is installed (tests using it are skipped otherwise). */
export const codexInstalled: boolean = await Deno.stat(CODEX_BIN).then(() => true, () => false);

/** Options of {@linkcode runCodexExec}. */
export interface RunCodexExecOptions {
  /** HOME and working directory. */
  home: string;
  codexHome: string;
  /** The provider id whose retries are capped at 0 (a failing test fails at once). */
  provider: string;
  /** Extra environment (e.g. the provider's `env_key` variable). */
  env?: Record<string, string>;
}

/** What `codex exec` printed. */
export interface CodexExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `codex exec --skip-git-repo-check <prompt>` with a cleared environment. */
export async function runCodexExec(
  prompt: string,
  options: RunCodexExecOptions,
): Promise<CodexExecResult> {
  const retries = `model_providers.${options.provider}`;
  const out = await new Deno.Command(CODEX_BIN, {
    args: [
      "exec",
      "--skip-git-repo-check",
      "-c",
      `${retries}.request_max_retries=0`,
      "-c",
      `${retries}.stream_max_retries=0`,
      prompt,
    ],
    cwd: options.home,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: options.home,
      CODEX_HOME: options.codexHome,
      NO_COLOR: "1",
      ...options.env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
