/** The real Codex CLI installed by scripts/install_e2e_clients.sh, run offline in a temp home. */
import { fileURLToPath } from "node:url";

/** Path of the installed `codex` binary. */
export const CODEX_BIN: string = fileURLToPath(
  new URL("../../.e2e/node_modules/.bin/codex", import.meta.url),
);

/** True when the real Codex CLI is installed (tests using it are skipped otherwise). */
export const codexInstalled: boolean = await Deno.stat(CODEX_BIN).then(() => true, () => false);

/** Options of {@linkcode runCodex}. */
export interface RunCodexOptions {
  /** HOME and working directory. */
  home: string;
  codexHome: string;
  /** Extra environment (e.g. the provider's `env_key` variable); PATH may be overridden too. */
  env?: Record<string, string>;
}

/** Options of {@linkcode runCodexExec}. */
export interface RunCodexExecOptions extends RunCodexOptions {
  /** The provider id whose retries are capped at 0 (a failing test fails at once). */
  provider: string;
}

/** What `codex` printed. */
export interface CodexExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `-c` overrides capping a provider's retries at 0: a failing test fails at once. */
export function noRetriesArgs(provider: string): string[] {
  const retries = `model_providers.${provider}`;
  return ["-c", `${retries}.request_max_retries=0`, "-c", `${retries}.stream_max_retries=0`];
}

/** The session id `codex exec` printed (undefined when it printed none). */
export function sessionIdOf(output: string): string | undefined {
  return output.match(/session id: ([0-9a-f-]{36})/)?.[1];
}

/** `codex ...args` with a cleared environment (HOME, CODEX_HOME, PATH, NO_COLOR and `env`). */
export async function runCodex(
  args: string[],
  options: RunCodexOptions,
): Promise<CodexExecResult> {
  const out = await new Deno.Command(CODEX_BIN, {
    args,
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

/** `codex exec --skip-git-repo-check <prompt>` with a cleared environment. */
export function runCodexExec(
  prompt: string,
  options: RunCodexExecOptions,
): Promise<CodexExecResult> {
  return runCodex(
    ["exec", "--skip-git-repo-check", ...noRetriesArgs(options.provider), prompt],
    options,
  );
}
