/** First-start import of Claude Code's upstream from `~/.claude/settings.json` into config.json. */
import { dirname } from "node:path";
import { type EnvGetter, type Paths, processEnv } from "../config/paths.ts";
import type { Upstream, UpstreamAuth } from "../config/schema.ts";
import { isHttpUrl } from "../config/schema.ts";
import { readConfig, updateConfig } from "../config/store.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { parseClaudeSettings } from "./settings_json.ts";
import { PLACEHOLDER_AUTH_TOKEN } from "./switch.ts";
import { loopbackPort, readClaudeSwitchState } from "./switch_state.ts";
import { redactUrl } from "../config/redact_url.ts";

/** Claude Code's default upstream. */
export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

/** A config that could not be imported, and how to add it by hand. */
export interface UnresolvedImport {
  config: string;
  reason: string;
  fix: string;
}

/** What {@linkcode importFromClaude} did (the same shape as the Codex import). */
export interface ClaudeImportResult {
  /** The file the values came from (settings.json or its backup), or `null` when none existed. */
  source: string | null;
  imported: string[];
  /** Configs that already existed and were kept (no `force`). */
  skipped: string[];
  /** The active Claude config after the import, or `null`. */
  active: string | null;
  unresolved: UnresolvedImport[];
  warnings: string[];
}

/** Options of {@linkcode importFromClaude}. */
export interface ImportFromClaudeOptions {
  /** The process environment, for credentials that are not in settings.json. */
  env?: EnvGetter;
  /** Overwrite an existing config of the same name and make it active. */
  force?: boolean;
}

/** The paths the import reads and writes. */
export type ClaudeImportPaths = Pick<
  Paths,
  | "claudeSettings"
  | "claudeSettingsBackup"
  | "claudeSwitchState"
  | "claudeCredentialsJson"
  | "configJson"
  | "configJsonBackup"
>;

/**
 * A config name from a base URL: the registrable domain's first label.
 *
 * @example
 * ```ts
 * configNameFromUrl("https://api.anthropic.com"); // "anthropic"
 * configNameFromUrl("https://gw.example.co:8443/v1"); // "example"
 * ```
 */
export function configNameFromUrl(baseUrl: string): string {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, "");
  if (/^[\d.]+$/.test(host) || host.includes(":")) return "custom";
  const labels = host.split(".").filter((l) => l !== "");
  const label = labels.length >= 2 ? labels[labels.length - 2] : labels[0];
  const name = (label ?? "").toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return name === "" ? "custom" : name;
}

interface Source {
  file: string | null;
  env: Record<string, unknown>;
  apiKeyHelper: boolean;
}

function stringEntry(env: Record<string, unknown>, key: string): string | undefined {
  const v = env[key];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

async function findSource(paths: ClaudeImportPaths, warnings: string[]): Promise<Source> {
  const file = paths.claudeSettings;
  const text = await readTextIfExists(file);
  if (text === undefined) return { file: null, env: {}, apiKeyHelper: false };
  const settings = parseClaudeSettings(text, file);
  const env = settings.env ?? {};
  const port = loopbackPort(stringEntry(env, "ANTHROPIC_BASE_URL"));
  const current = { file, env, apiKeyHelper: typeof settings.root.apiKeyHelper === "string" };
  if (port === undefined) return current;
  const state = await readClaudeSwitchState(paths);
  const backupText = await readTextIfExists(paths.claudeSettingsBackup);
  if (backupText !== undefined) {
    const backup = parseClaudeSettings(backupText, paths.claudeSettingsBackup);
    if (state === undefined) {
      warnings.push(
        `"${file}" points at a local port; imported from "${paths.claudeSettingsBackup}"`,
      );
    }
    return {
      file: paths.claudeSettingsBackup,
      env: backup.env ?? {},
      apiKeyHelper: typeof backup.root.apiKeyHelper === "string",
    };
  }
  if (state !== undefined && state.port === port) {
    // Switched on without a backup: the pre-switch values are in the state file.
    const env2: Record<string, unknown> = { ...env };
    if (state.previousBaseUrl === null) delete env2.ANTHROPIC_BASE_URL;
    else env2.ANTHROPIC_BASE_URL = state.previousBaseUrl;
    if (env2.ANTHROPIC_AUTH_TOKEN === state.addedAuthToken) delete env2.ANTHROPIC_AUTH_TOKEN;
    return { ...current, env: env2 };
  }
  warnings.push(
    `"${file}" points at ${
      redactUrl(String(env.ANTHROPIC_BASE_URL))
    }, a local address; imported as is`,
  );
  return current;
}

async function resolveImportAuth(
  paths: ClaudeImportPaths,
  source: Source,
  env: EnvGetter,
  warnings: string[],
): Promise<UpstreamAuth | undefined> {
  let token = stringEntry(source.env, "ANTHROPIC_AUTH_TOKEN");
  if (token === PLACEHOLDER_AUTH_TOKEN) token = undefined;
  const key = stringEntry(source.env, "ANTHROPIC_API_KEY");
  if (token !== undefined) {
    if (key !== undefined) {
      warnings.push(
        "both ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY are set; imported the token, as Claude Code uses it first",
      );
    }
    return { auth_token: token };
  }
  if (key !== undefined) return { api_key: key };
  const filled = (name: string) => (env(name) ?? "").trim() !== "";
  if (filled("ANTHROPIC_AUTH_TOKEN")) return { auth_token_env: "ANTHROPIC_AUTH_TOKEN" };
  if (filled("ANTHROPIC_API_KEY")) return { api_key_env: "ANTHROPIC_API_KEY" };
  if (source.apiKeyHelper || await readTextIfExists(paths.claudeCredentialsJson) !== undefined) {
    warnings.push("no API key found; Claude Code's own login (or apiKeyHelper) is forwarded as is");
    return { mode: "passthrough" };
  }
  return undefined;
}

/**
 * Imports Claude Code's upstream (base URL and credential) into the `claude` section of
 * config.json. When settings.json already points at the proxy, the backup is read instead.
 * Without `force`, an existing config of the same name is kept.
 */
export async function importFromClaude(
  paths: ClaudeImportPaths,
  options: ImportFromClaudeOptions = {},
): Promise<ClaudeImportResult> {
  const env = options.env ?? processEnv;
  const warnings: string[] = [];
  const source = await findSource(paths, warnings);
  const result: ClaudeImportResult = {
    source: source.file,
    imported: [],
    skipped: [],
    active: null,
    unresolved: [],
    warnings,
  };
  const baseUrl = stringEntry(source.env, "ANTHROPIC_BASE_URL") ?? ANTHROPIC_DEFAULT_BASE_URL;
  const { config: existing } = await readConfig(paths);
  result.active = existing.claude.active ?? null;
  if (!isHttpUrl(baseUrl)) {
    result.unresolved.push({
      config: "claude",
      reason: `ANTHROPIC_BASE_URL "${baseUrl}" is not an http(s) URL`,
      fix: `correct env.ANTHROPIC_BASE_URL in "${source.file}", or add the config with ` +
        `"codex-helper config add --claude"`,
    });
    return result;
  }
  const name = configNameFromUrl(baseUrl);
  const auth = await resolveImportAuth(paths, source, env, warnings);
  if (auth === undefined) {
    result.unresolved.push({
      config: name,
      reason: "no ANTHROPIC_AUTH_TOKEN or ANTHROPIC_API_KEY in settings.json or the environment",
      fix: `set ANTHROPIC_AUTH_TOKEN or ANTHROPIC_API_KEY (environment or settings.json "env") ` +
        `and import again, or add the config with "codex-helper config add --claude"`,
    });
    return result;
  }
  if (existing.claude.configs[name] !== undefined && !options.force) {
    result.skipped.push(name);
    return result;
  }
  const upstream: Upstream = { base_url: baseUrl, auth };
  // The config lock lives next to config.json, so its folder must exist first.
  await Deno.mkdir(dirname(paths.configJson), { recursive: true, mode: 0o700 });
  return await updateConfig(paths, (config) => {
    if (config.claude.configs[name] !== undefined && !options.force) {
      result.skipped.push(name);
    } else {
      config.claude.configs[name] = { name, upstreams: [upstream] };
      result.imported.push(name);
      if (config.claude.active === undefined || options.force) config.claude.active = name;
    }
    result.active = config.claude.active ?? null;
    return result;
  });
}
