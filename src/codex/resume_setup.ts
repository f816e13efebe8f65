/** Reads what {@linkcode planResume} needs: config.toml, auth.json and a running codex-helper. */
import type { Paths } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { type ProbePort, probeProxy } from "../proxy/probe.ts";
import { readCodexAuth } from "./auth_json.ts";
import { parseOrThrow, PROXY_PROVIDER_ID } from "./config_toml.ts";
import type { CodexSetup, ProviderTable } from "./resume_command.ts";
import { DEFAULT_SWITCH_PORT } from "./switch.ts";

/** Options of {@linkcode readCodexSetup}. */
export interface ReadCodexSetupOptions {
  /** The port where a running codex-helper is looked for when not switched on (default 3211). */
  proxyPort?: number;
  /** Injectable for tests. */
  probe?: ProbePort;
}

/** The setup, and a warning when a file could not be read (the setup then assumes defaults). */
export interface CodexSetupRead {
  setup: CodexSetup;
  warnings: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function tablesOf(value: unknown): Record<string, ProviderTable> {
  const out: Record<string, ProviderTable> = {};
  if (typeof value !== "object" || value === null) return out;
  for (const [id, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== "object" || raw === null) continue;
    const t = raw as Record<string, unknown>;
    const baseUrl = str(t.base_url);
    const envKey = str(t.env_key);
    out[id] = {
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(envKey === undefined ? {} : { envKey }),
      ...(t.requires_openai_auth === true ? { requiresOpenaiAuth: true } : {}),
    };
  }
  return out;
}

const message = (error: unknown) => error instanceof Error ? error.message : String(error);

/** Reads Codex's setup now; a broken file is a warning, never a failure of the listing. */
export async function readCodexSetup(
  paths: Paths,
  options: ReadCodexSetupOptions = {},
): Promise<CodexSetupRead> {
  const warnings: string[] = [];
  let config: Record<string, unknown> = {};
  let configError: string | undefined;
  try {
    const text = await readTextIfExists(paths.codexConfigToml);
    if (text !== undefined) config = parseOrThrow(text, paths.codexConfigToml);
  } catch (error) {
    configError = message(error).replace(/; fix the file by hand; it was left untouched$/, "");
    warnings.push(`${message(error)} (no session can be resumed until it is fixed)`);
  }
  let chatgptLogin = false;
  try {
    chatgptLogin = (await readCodexAuth(paths.codexAuthJson))?.chatgptLogin ?? false;
  } catch (error) {
    warnings.push(`${message(error)} (assumed no ChatGPT login)`);
  }
  const currentProvider = str(config.model_provider);
  const providers = tablesOf(config.model_providers);
  let proxyUrl: string | undefined;
  let proxyOnlyRunning = false;
  const switched = providers[PROXY_PROVIDER_ID]?.baseUrl;
  if (currentProvider === PROXY_PROVIDER_ID && switched !== undefined) proxyUrl = switched;
  else {
    const port = options.proxyPort ?? DEFAULT_SWITCH_PORT;
    const found = await (options.probe ?? ((p) => probeProxy(p, { timeoutMs: 1000 })))(port);
    if (found === "codex-helper") {
      proxyUrl = `http://127.0.0.1:${port}`;
      proxyOnlyRunning = true;
    }
  }
  return {
    setup: {
      currentProvider,
      providers,
      openaiBaseUrl: str(config.openai_base_url),
      proxyUrl,
      ...(proxyOnlyRunning ? { proxyOnlyRunning } : {}),
      chatgptLogin,
      ...(configError === undefined ? {} : { configError }),
    },
    warnings,
  };
}
