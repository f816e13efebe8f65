/** The `-c` overrides `run` puts before Codex's own arguments: its provider, through the proxy. */
import type { Paths } from "../config/paths.ts";
import { readCodexAuth } from "../codex/auth_json.ts";
import { PROXY_PROVIDER_ID } from "../codex/config_toml.ts";
import {
  BUILT_IN_PROVIDER_IDS,
  proxyOverrides,
  type ProxyOverridesOptions,
} from "../codex/proxy_overrides.ts";
import { CliError } from "../errors.ts";
import type { ClientOverrides } from "./claude_overrides.ts";
import { readCodexProvider } from "./codex_provider.ts";

/** The provider Codex will use, and the overrides that send it to a proxy URL. */
export interface CodexRunPlan {
  provider: string;
  overrides(proxyUrl: string): ClientOverrides;
}

function overridesOrThrow(
  provider: string,
  proxyUrl: string,
  options: ProxyOverridesOptions,
): ClientOverrides {
  const result = proxyOverrides(provider, proxyUrl, options);
  if (!result.ok) {
    throw new CliError(`Cannot run Codex through the proxy: ${result.reason}`, {
      hint: "choose another provider in config.toml or with -c model_provider=<id>",
    });
  }
  return { args: result.args, env: {} };
}

/**
 * Plans the overrides for the Codex command line `args` before any proxy starts: the provider it
 * would use anyway (for `resume <id>`, the session's) keeps its id, so sessions made this way
 * resume with or without codex-helper. A provider without a table in config.toml (a
 * `codex_proxy` session after switch-off) is defined whole. Throws when the provider cannot be sent
 * elsewhere (a built-in such as `ollama`).
 */
export async function planCodexRun(
  paths: Pick<Paths, "codexHome" | "codexConfigToml" | "codexSessions" | "codexAuthJson">,
  args: readonly string[],
): Promise<CodexRunPlan> {
  const { provider, hasTable } = await readCodexProvider(paths, args);
  const missingTable = !hasTable && !BUILT_IN_PROVIDER_IDS.includes(provider);
  const chatgpt = missingTable && provider === PROXY_PROVIDER_ID &&
    ((await readCodexAuth(paths.codexAuthJson).catch(() => undefined))?.chatgptLogin ?? false);
  const options: ProxyOverridesOptions = {
    ...(missingTable ? { missingTable: true } : {}),
    ...(chatgpt ? { requiresOpenaiAuth: true } : {}),
  };
  overridesOrThrow(provider, "http://127.0.0.1", options); // refuse now, not after a proxy started
  return { provider, overrides: (proxyUrl) => overridesOrThrow(provider, proxyUrl, options) };
}
