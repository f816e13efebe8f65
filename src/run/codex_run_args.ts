/** The `-c` overrides `run` puts before Codex's own arguments: its provider, through the proxy. */
import type { Paths } from "../config/paths.ts";
import { proxyOverrides } from "../codex/proxy_overrides.ts";
import { CliError } from "../errors.ts";
import type { ClientOverrides } from "./claude_overrides.ts";
import { readCodexProvider } from "./codex_provider.ts";

/** The provider Codex will use, and the overrides that send it to a proxy URL. */
export interface CodexRunPlan {
  provider: string;
  overrides(proxyUrl: string): ClientOverrides;
}

function overridesOrThrow(provider: string, proxyUrl: string): ClientOverrides {
  const result = proxyOverrides(provider, proxyUrl);
  if (!result.ok) {
    throw new CliError(`Cannot run Codex through the proxy: ${result.reason}`, {
      hint: "choose another provider in config.toml or with -c model_provider=<id>",
    });
  }
  return { args: result.args, env: {} };
}

/**
 * Plans the overrides for the Codex command line `args` before any proxy starts: the provider it
 * would use anyway keeps its id, so sessions made this way resume with or without codex-helper.
 * Throws when that provider cannot be sent elsewhere (a built-in such as `ollama`).
 */
export async function planCodexRun(
  paths: Pick<Paths, "codexHome" | "codexConfigToml">,
  args: readonly string[],
): Promise<CodexRunPlan> {
  const provider = await readCodexProvider(paths, args);
  overridesOrThrow(provider, "http://127.0.0.1"); // refuse now, not after the proxy started
  return { provider, overrides: (proxyUrl) => overridesOrThrow(provider, proxyUrl) };
}
