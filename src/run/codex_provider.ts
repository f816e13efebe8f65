/**
 * The model provider a Codex command line will use: `-c model_provider=...`, else the resumed
 * session's, else the profile's (`-p NAME`: `$CODEX_HOME/NAME.config.toml`, or `[profiles.NAME]`),
 * else config.toml's, else the built-in `openai`.
 */
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import type { Paths } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { analyzeCodexConfig } from "../codex/config_toml.ts";
import { parseResumedId, readSessionProvider } from "./resumed_session.ts";

/** Codex's provider when nothing names one. */
export const DEFAULT_CODEX_PROVIDER = "openai";

/** What the command line itself says: a `-c model_provider=` value and a `-p` profile. */
export interface CodexArgChoices {
  provider: string | undefined;
  profile: string | undefined;
}

/** The value of a `-c key=value` override for `model_provider`, parsed as Codex does (TOML, else raw). */
function overrideValue(assignment: string): string | undefined {
  const eq = assignment.indexOf("=");
  if (eq === -1) return undefined;
  const key = assignment.slice(0, eq).trim().replace(/^"(.*)"$/, "$1");
  if (key !== "model_provider") return undefined;
  const raw = assignment.slice(eq + 1).trim();
  try {
    const value = parseToml(`v = ${raw}`).v;
    return typeof value === "string" ? value : raw;
  } catch {
    return raw;
  }
}

/**
 * Reads `-c/--config model_provider=...` (the last wins) and `-p/--profile NAME` from Codex's
 * arguments; stops at `--`.
 *
 * @example
 * ```ts
 * parseCodexArgChoices(["exec", "-c", 'model_provider="relay"', "-p", "work", "hi"]);
 * // { provider: "relay", profile: "work" }
 * ```
 */
export function parseCodexArgChoices(args: readonly string[]): CodexArgChoices {
  const out: CodexArgChoices = { provider: undefined, profile: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    let config: string | undefined;
    let profile: string | undefined;
    if (arg === "-c" || arg === "--config") config = args[++i];
    else if (arg.startsWith("--config=")) config = arg.slice("--config=".length);
    else if (arg.startsWith("-c") && arg.length > 2 && !arg.startsWith("--")) config = arg.slice(2);
    else if (arg === "-p" || arg === "--profile") profile = args[++i];
    else if (arg.startsWith("--profile=")) profile = arg.slice("--profile=".length);
    if (config !== undefined) out.provider = overrideValue(config) ?? out.provider;
    if (profile !== undefined) out.profile = profile;
  }
  return out;
}

function stringAt(value: Record<string, unknown>, ...keys: string[]): string | undefined {
  let node: unknown = value;
  for (const key of keys) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "string" ? node : undefined;
}

/** The provider a Codex command line will use, and whether config.toml (or its profile) defines it. */
export interface CodexProviderChoice {
  provider: string;
  /** A `[model_providers.<id>]` table exists; built-in providers never have one. */
  hasTable: boolean;
  /** Where the choice came from, for messages. */
  source: "argument" | "session" | "profile" | "config" | "default";
}

function tableIn(value: Record<string, unknown>, id: string): boolean {
  const providers = value.model_providers;
  return typeof providers === "object" && providers !== null &&
    typeof (providers as Record<string, unknown>)[id] === "object";
}

/**
 * The provider the Codex command line `args` will use, given the files under CODEX_HOME: your
 * `-c model_provider=`, else the provider the resumed session was recorded with (Codex resumes a
 * session under that provider only), else the profile's, config.toml's, or `openai`.
 */
export async function readCodexProvider(
  paths: Pick<Paths, "codexHome" | "codexConfigToml" | "codexSessions">,
  args: readonly string[],
): Promise<CodexProviderChoice> {
  const choices = parseCodexArgChoices(args);
  const text = await readTextIfExists(paths.codexConfigToml);
  const base = text === undefined ? {} : analyzeCodexConfig(text, paths.codexConfigToml).value;
  const profile = choices.profile ?? stringAt(base, "profile");
  let layer: Record<string, unknown> = {};
  if (profile !== undefined) {
    const file = join(paths.codexHome, `${profile}.config.toml`);
    const layered = await readTextIfExists(file);
    if (layered !== undefined) layer = analyzeCodexConfig(layered, file).value;
  }
  const choose = (provider: string, source: CodexProviderChoice["source"]) => ({
    provider,
    hasTable: tableIn(layer, provider) || tableIn(base, provider),
    source,
  });
  if (choices.provider !== undefined) return choose(choices.provider, "argument");
  const resumed = parseResumedId(args);
  const recorded = resumed === undefined
    ? undefined
    : await readSessionProvider(paths.codexSessions, resumed);
  if (recorded !== undefined) return choose(recorded, "session");
  const fromProfile = profile === undefined
    ? undefined
    : stringAt(layer, "model_provider") ?? stringAt(base, "profiles", profile, "model_provider");
  if (fromProfile !== undefined) return choose(fromProfile, "profile");
  const fromConfig = stringAt(base, "model_provider");
  return fromConfig !== undefined
    ? choose(fromConfig, "config")
    : choose(DEFAULT_CODEX_PROVIDER, "default");
}
