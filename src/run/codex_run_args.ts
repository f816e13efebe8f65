/** The `-c` overrides `run` puts before Codex's own arguments: its provider, through the proxy. */
import type { Paths } from "../config/paths.ts";
import { proxyOverrides } from "../codex/proxy_overrides.ts";
import { CliError } from "../errors.ts";
import type { ClientOverrides } from "./claude_overrides.ts";
import { readCodexProvider } from "./codex_provider.ts";

/** The provider Codex will use and the overrides that send it through `proxyUrl`. */
export interface CodexRunOverrides extends ClientOverrides {
  provider: string;
}

/**
 * Builds the overrides for the Codex command line `args`: the provider it would use anyway keeps
 * its id, so sessions made this way resume with or without codex-helper.
 */
export async function codexRunOverrides(
  paths: Pick<Paths, "codexHome" | "codexConfigToml">,
  args: readonly string[],
  proxyUrl: string,
): Promise<CodexRunOverrides> {
  const provider = await readCodexProvider(paths, args);
  const overrides = proxyOverrides(provider, proxyUrl);
  if (!overrides.ok) {
    throw new CliError(`Cannot run Codex through the proxy: ${overrides.reason}`, {
      hint: "choose another provider in config.toml or with -c model_provider=<id>",
    });
  }
  return { provider, args: overrides.args, env: {} };
}
