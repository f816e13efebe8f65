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
import { readSwitchState } from "../codex/switch_state.ts";
import {
  type CodexProviderChoice,
  DEFAULT_CODEX_PROVIDER,
  readCodexProvider,
} from "./codex_provider.ts";
import { parse as parseToml } from "smol-toml";

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

type RunPaths = Pick<
  Paths,
  "codexHome" | "codexConfigToml" | "codexSessions" | "codexAuthJson" | "codexSwitchState"
>;

/** The `model_provider` switch-on replaced (its source text in the switch state), if readable. */
async function providerBeforeSwitch(path: string): Promise<string | undefined> {
  const state = await readSwitchState(path).catch(() => undefined);
  if (state === undefined) return undefined;
  if (state.previousModelProvider === null) return DEFAULT_CODEX_PROVIDER;
  try {
    const value = parseToml(`v = ${state.previousModelProvider}`).v;
    return typeof value === "string" && value !== PROXY_PROVIDER_ID ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provider Codex would use; while switched on, config.toml's `codex_proxy` stands for the
 * provider it replaced, so sessions made with `run` stay pinned to the user's own provider.
 */
async function ownProvider(paths: RunPaths, args: readonly string[]): Promise<CodexProviderChoice> {
  const choice = await readCodexProvider(paths, args);
  if (choice.provider !== PROXY_PROVIDER_ID || choice.source !== "config") return choice;
  const before = await providerBeforeSwitch(paths.codexSwitchState);
  if (before === undefined) return choice;
  const chosen = await readCodexProvider(paths, ["-c", `model_provider=${JSON.stringify(before)}`]);
  return { ...chosen, source: "config" };
}

/**
 * Plans the overrides for the Codex command line `args` before any proxy starts: the provider it
 * would use anyway (for `resume <id>`, the session's) keeps its id, so sessions made this way
 * resume with or without codex-helper. A provider without a table in config.toml (a
 * `codex_proxy` session after switch-off) is defined whole. Throws when the provider cannot be sent
 * elsewhere (a built-in such as `ollama`).
 */
export async function planCodexRun(
  paths: RunPaths,
  args: readonly string[],
): Promise<CodexRunPlan> {
  const { provider, hasTable } = await ownProvider(paths, args);
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
