/**
 * How `run --claude` points Claude Code at the proxy without touching settings.json: the
 * `--settings` flag (which outranks the `env` of settings.json) and the same variables in its
 * environment.
 */
import { UsageError } from "../errors.ts";

/** The token given when Claude Code has no credential of its own; the proxy replaces it. */
export const RUN_PLACEHOLDER_TOKEN = "codex-helper";

/** Options of {@linkcode claudeRunOverrides}. */
export interface ClaudeRunOverridesOptions {
  /** Claude Code has no credential (settings, apiKeyHelper, environment, login): add a placeholder. */
  placeholderToken: boolean;
}

/** Arguments to put before the user's and variables to add to the environment. */
export interface ClientOverrides {
  args: string[];
  env: Record<string, string>;
}

/** The user's arguments already carry `--settings`: both cannot be given. */
function checkNoSettingsFlag(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === "--") return;
    if (arg === "--settings" || arg.startsWith("--settings=")) {
      throw new UsageError(`"run --claude" passes its own --settings to Claude Code`, {
        hint: "move those settings into settings.json, or run claude directly",
      });
    }
  }
}

/**
 * `--settings {"env":{...}}` and the environment for `baseUrl`.
 *
 * @example
 * ```ts
 * claudeRunOverrides("http://127.0.0.1:3210", [], { placeholderToken: false });
 * // { args: ["--settings", '{"env":{"ANTHROPIC_BASE_URL":"http://127.0.0.1:3210"}}'],
 * //   env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:3210" } }
 * ```
 */
export function claudeRunOverrides(
  baseUrl: string,
  userArgs: readonly string[],
  options: ClaudeRunOverridesOptions,
): ClientOverrides {
  checkNoSettingsFlag(userArgs);
  const env: Record<string, string> = { ANTHROPIC_BASE_URL: baseUrl };
  if (options.placeholderToken) env.ANTHROPIC_AUTH_TOKEN = RUN_PLACEHOLDER_TOKEN;
  return { args: ["--settings", JSON.stringify({ env })], env };
}
