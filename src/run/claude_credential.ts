/** Whether Claude Code has a credential of its own; `run --claude` adds a placeholder if not. */
import { type ClaudeSwitchPaths, findCredential } from "../claude/switch.ts";
import { parseClaudeSettings } from "../claude/settings_json.ts";
import type { EnvGetter } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";

/** Options of {@linkcode needsPlaceholderToken}. */
export interface PlaceholderCheckOptions {
  env: EnvGetter;
  /** Told when settings.json cannot be read (it then counts as holding no credential). */
  warn: (message: string) => void;
}

/** True when neither settings.json, an apiKeyHelper, the environment nor a login gives a credential. */
export async function needsPlaceholderToken(
  paths: ClaudeSwitchPaths,
  options: PlaceholderCheckOptions,
): Promise<boolean> {
  const file = paths.claudeSettings;
  let settings = parseClaudeSettings("", file);
  try {
    settings = parseClaudeSettings(await readTextIfExists(file) ?? "", file);
  } catch (error) {
    options.warn(error instanceof Error ? error.message : String(error));
  }
  return await findCredential(paths, settings, options.env) === undefined;
}
