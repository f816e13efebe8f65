/**
 * Every path codex-helper reads or writes. No other module builds a data path by hand.
 */
import { join } from "node:path";

/** Reads one environment variable; injected so tests never touch the real environment. */
export type EnvGetter = (name: string) => string | undefined;

/** The environment of this process. */
export function processEnv(name: string): string | undefined {
  return Deno.env.get(name);
}

/** All the files and folders codex-helper knows about. */
export interface Paths {
  /** The user's home: `HOME`, or `USERPROFILE` on Windows. */
  home: string;
  /** `$CODEX_HOME` or `~/.codex`. */
  codexHome: string;
  codexConfigToml: string;
  codexConfigBackup: string;
  /** The copy of config.toml kept before switch-off restores it from the backup. */
  codexConfigBeforeRestore: string;
  codexAuthJson: string;
  codexSessions: string;
  /** `$CLAUDE_CONFIG_DIR` or `~/.claude`. */
  claudeHome: string;
  claudeSettings: string;
  claudeSettingsBackup: string;
  /** The copy of settings.json kept before switch-off restores it from the backup. */
  claudeSettingsBeforeRestore: string;
  /** Claude Code's own login (claude.ai OAuth) on Linux and Windows. */
  claudeCredentialsJson: string;
  /** `$CODEX_PROXY_HOME` or `~/.codex-proxy`. */
  proxyHome: string;
  configJson: string;
  configJsonBackup: string;
  filterJson: string;
  usageProvidersJson: string;
  /** Records what switch-on changed, per client. */
  codexSwitchState: string;
  claudeSwitchState: string;
  /** What `session` remembers of each session file's head, so unchanged files are not re-read. */
  sessionHeadCache: string;
  logsDir: string;
  requestLog: string;
}

/** Raised when no home folder can be found in the environment. */
export class HomeNotFoundError extends Error {
  constructor() {
    super(
      "Cannot find your home folder: set HOME (or USERPROFILE on Windows), or set CODEX_HOME and CODEX_PROXY_HOME",
    );
    this.name = "HomeNotFoundError";
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/** Options of {@linkcode resolvePaths}. */
export interface ResolvePathsOptions {
  env?: EnvGetter;
  /** Defaults to the running OS. */
  os?: typeof Deno.build.os;
}

/**
 * Resolves every path from the environment.
 *
 * @example
 * ```ts
 * const paths = resolvePaths({ env: (k) => ({ HOME: "/home/u" })[k] });
 * paths.configJson; // "/home/u/.codex-proxy/config.json"
 * ```
 */
export function resolvePaths(options: ResolvePathsOptions = {}): Paths {
  const env = options.env ?? processEnv;
  const os = options.os ?? Deno.build.os;
  const homeVar = os === "windows"
    ? nonEmpty(env("USERPROFILE")) ?? nonEmpty(env("HOME"))
    : nonEmpty(env("HOME")) ?? nonEmpty(env("USERPROFILE"));
  const home = homeVar ?? "";
  const under = (explicit: string | undefined, dir: string): string => {
    const set = nonEmpty(explicit);
    if (set !== undefined) return set;
    if (home === "") throw new HomeNotFoundError();
    return join(home, dir);
  };
  const codexHome = under(env("CODEX_HOME"), ".codex");
  const claudeHome = under(env("CLAUDE_CONFIG_DIR"), ".claude");
  const proxyHome = under(env("CODEX_PROXY_HOME"), ".codex-proxy");
  const logsDir = join(proxyHome, "logs");
  const codexConfigToml = join(codexHome, "config.toml");
  const claudeSettings = join(claudeHome, "settings.json");
  const configJson = join(proxyHome, "config.json");
  return {
    home,
    codexHome,
    codexConfigToml,
    codexConfigBackup: `${codexConfigToml}.codex-proxy-backup`,
    codexConfigBeforeRestore: `${codexConfigToml}.before-switch-off`,
    codexAuthJson: join(codexHome, "auth.json"),
    codexSessions: join(codexHome, "sessions"),
    claudeHome,
    claudeSettings,
    claudeSettingsBackup: `${claudeSettings}.codex-proxy-backup`,
    claudeSettingsBeforeRestore: `${claudeSettings}.before-switch-off`,
    claudeCredentialsJson: join(claudeHome, ".credentials.json"),
    proxyHome,
    configJson,
    configJsonBackup: `${configJson}.bak`,
    filterJson: join(proxyHome, "filter.json"),
    usageProvidersJson: join(proxyHome, "usage_providers.json"),
    codexSwitchState: join(proxyHome, "switch_state.codex.json"),
    claudeSwitchState: join(proxyHome, "switch_state.claude.json"),
    sessionHeadCache: join(proxyHome, "session_heads.json"),
    logsDir,
    requestLog: join(logsDir, "requests.jsonl"),
  };
}
