/**
 * The port a client is switched to (`switch-on`, `serve --switch`): where `run` looks for a running
 * codex-helper when no `--port` is given.
 */
import { parseClaudeSettings, readSettingsEnv } from "../claude/settings_json.ts";
import { loopbackPort } from "../claude/switch_state.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "../codex/config_toml.ts";
import type { Paths } from "../config/paths.ts";
import type { Service } from "../config/schema.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";

function codexSwitchedUrl(text: string, file: string): string | undefined {
  const value = analyzeCodexConfig(text, file).value;
  if (value.model_provider !== PROXY_PROVIDER_ID) return undefined;
  const providers = value.model_providers as Record<string, Record<string, unknown>> | undefined;
  const url = providers?.[PROXY_PROVIDER_ID]?.base_url;
  return typeof url === "string" ? url : undefined;
}

/**
 * The loopback port config.toml (Codex) or settings.json (Claude Code) points at, or undefined
 * when the client is not switched (or its file cannot be read: `run` then uses the default port).
 */
export async function readSwitchedPort(
  paths: Pick<Paths, "codexConfigToml" | "claudeSettings">,
  service: Service,
): Promise<number | undefined> {
  const file = service === "codex" ? paths.codexConfigToml : paths.claudeSettings;
  try {
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    const url = service === "codex"
      ? codexSwitchedUrl(text, file)
      : readSettingsEnv(parseClaudeSettings(text, file), "ANTHROPIC_BASE_URL");
    return loopbackPort(url);
  } catch {
    return undefined;
  }
}
