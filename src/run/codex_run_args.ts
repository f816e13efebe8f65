/** The `-c` overrides `run` puts before Codex's own arguments: its provider, through the proxy. */
import type { Paths } from "../config/paths.ts";
import type { ClientOverrides } from "./claude_overrides.ts";
import { readCodexProvider } from "./codex_provider.ts";

/** The provider Codex will use and the overrides that send it through `proxyUrl`. */
export interface CodexRunOverrides extends ClientOverrides {
  provider: string;
}

/** Builds the overrides for the Codex command line `args` (its provider keeps its id). */
export async function codexRunOverrides(
  paths: Pick<Paths, "codexHome" | "codexConfigToml">,
  args: readonly string[],
  proxyUrl: string,
): Promise<CodexRunOverrides> {
  const provider = await readCodexProvider(paths, args);
  const url = JSON.stringify(proxyUrl);
  const overrides = provider === "openai"
    ? ["-c", `openai_base_url=${url}`]
    : ["-c", `model_providers.${provider}.base_url=${url}`];
  return { provider, args: overrides, env: {} };
}
