/** Collects what `status` shows: paths, active configs, both clients' switches and proxies, the log. */
import { parseClaudeSettings, readSettingsEnv } from "../claude/settings_json.ts";
import { DEFAULT_CLAUDE_PORT } from "../claude/switch.ts";
import { loopbackPort, readClaudeSwitchState } from "../claude/switch_state.ts";
import { analyzeCodexConfig } from "../codex/config_toml.ts";
import { findProfileProblems } from "../codex/profile_warnings.ts";
import { switchedPort } from "../codex/stale_switch.ts";
import { DEFAULT_SWITCH_PORT } from "../codex/switch.ts";
import { readSwitchState } from "../codex/switch_state.ts";
import type { Paths } from "../config/paths.ts";
import type { HelperConfig, Service } from "../config/schema.ts";
import { describeAuth } from "../config/secrets.ts";
import { readConfig } from "../config/store.ts";
import { redactUrl } from "../config/redact_url.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { logFilesOldestFirst } from "../usage/log_reader.ts";
import { loadUsageProviders } from "../usage/providers_file.ts";
import { VERSION } from "../version.ts";
import { fetchLiveStatus, type PortAnswer } from "./live_status.ts";

/** One configured upstream, without its secret. */
export interface UpstreamView {
  base_url: string;
  /** e.g. `auth_token from $WORK_KEY`, or a redacted stored value. */
  auth: string;
}

/** The active config of one client. */
export interface ActiveConfigView {
  active: string | null;
  /** Every config name of this client. */
  configs: string[];
  upstreams: UpstreamView[];
}

/** One client (Codex or Claude Code): its switch, the proxy on its port, its config. */
export interface ClientStatus {
  /** config.toml / settings.json points at a local codex-helper port. */
  switched: boolean;
  /** The file that decides (config.toml or settings.json). */
  file: string;
  /** The switched port, else the default port the proxy would use. */
  port: number;
  /** switch-on's record (its port and time), when there is one. */
  record: { port: number; switched_at: string } | null;
  proxy: PortAnswer;
  config: ActiveConfigView;
  /** Files that could not be read, with the reason (no secrets: parse errors name line/column). */
  problems: string[];
}

/** The request log and its rotations. */
export interface RequestLogStatus {
  path: string;
  files: { path: string; bytes: number }[];
  total_bytes: number;
}

/** Everything `status` prints. */
export interface StatusReport {
  version: string;
  paths: Record<string, string>;
  codex: ClientStatus;
  claude: ClientStatus;
  usage_providers: {
    file: string;
    state: "ok" | "missing" | "invalid";
    providers: { id: string; kind: string; domains: string[] }[];
    error: string | null;
  };
  request_log: RequestLogStatus;
  /** config.json problems (invalid file), else null. */
  config_error: string | null;
}

/** Options of {@linkcode collectStatus}. */
export interface CollectStatusOptions {
  fetch?: typeof fetch;
  /** Ports asked when a client is not switched (defaults 3211 and 3210). */
  defaultPorts?: { codex?: number; claude?: number };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function activeView(config: HelperConfig | undefined, service: Service): ActiveConfigView {
  const section = config?.[service];
  const active = section?.active ?? null;
  const cfg = active === null ? undefined : section?.configs[active];
  return {
    active,
    configs: Object.keys(section?.configs ?? {}),
    upstreams: (cfg?.upstreams ?? []).map((u) => ({
      base_url: redactUrl(u.base_url),
      auth: describeAuth(u),
    })),
  };
}

/** How one client's side is read: the port it is switched to and the switch record. */
interface SideReaders {
  file: string;
  fallbackPort: number;
  readPort(): Promise<number | undefined>;
  readRecord(): Promise<{ port: number; switchedAt: string } | undefined>;
  /** Problems of the client's own files beyond the switch (Codex: its profiles). */
  readProblems?(): Promise<string[]>;
}

async function clientSide(
  service: Service,
  config: HelperConfig | undefined,
  options: CollectStatusOptions,
  readers: SideReaders,
): Promise<ClientStatus> {
  const problems: string[] = [];
  const attempt = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      problems.push(message(error));
      return undefined;
    }
  };
  const port = await attempt(readers.readPort);
  const state = await attempt(readers.readRecord);
  if (readers.readProblems) problems.push(...(await attempt(readers.readProblems) ?? []));
  const probePort = port ?? options.defaultPorts?.[service] ?? readers.fallbackPort;
  const proxy = await fetchLiveStatus(probePort, options.fetch ? { fetch: options.fetch } : {});
  const serves = proxy.live?.service;
  if (serves && serves !== service) {
    const flag = serves === "claude" ? " --claude" : "";
    problems.push(
      `the codex-helper on port ${probePort} serves ${serves}, not ${service} ` +
        `(started with "serve${flag}"): ${service} requests there reach the wrong upstreams`,
    );
  }
  return {
    switched: port !== undefined,
    file: readers.file,
    port: probePort,
    record: state ? { port: state.port, switched_at: state.switchedAt } : null,
    proxy,
    config: activeView(config, service),
    problems,
  };
}

function codexSide(paths: Paths, config: HelperConfig | undefined, options: CollectStatusOptions) {
  return clientSide("codex", config, options, {
    file: paths.codexConfigToml,
    fallbackPort: DEFAULT_SWITCH_PORT,
    async readPort() {
      const text = await readTextIfExists(paths.codexConfigToml);
      if (text === undefined) return undefined;
      return switchedPort(analyzeCodexConfig(text, paths.codexConfigToml).value);
    },
    readRecord: async () => await readSwitchState(paths.codexSwitchState) ?? undefined,
    async readProblems() {
      const text = await readTextIfExists(paths.codexConfigToml);
      if (text === undefined) return [];
      let value: Record<string, unknown>;
      try {
        value = analyzeCodexConfig(text, paths.codexConfigToml).value;
      } catch {
        return []; // readPort reports the parse error
      }
      const switched = switchedPort(value) !== undefined;
      // a profile file's own provider only matters when config.toml routes through codex-helper
      return (await findProfileProblems(paths, value))
        .filter((p) => switched || p.kind === "legacy_selector" || p.kind === "legacy_table")
        .map((p) => `${p.message}; ${p.fix}`);
    },
  });
}

function claudeSide(paths: Paths, config: HelperConfig | undefined, options: CollectStatusOptions) {
  return clientSide("claude", config, options, {
    file: paths.claudeSettings,
    fallbackPort: DEFAULT_CLAUDE_PORT,
    async readPort() {
      const text = await readTextIfExists(paths.claudeSettings);
      if (text === undefined) return undefined;
      const settings = parseClaudeSettings(text, paths.claudeSettings);
      return loopbackPort(readSettingsEnv(settings, "ANTHROPIC_BASE_URL"));
    },
    readRecord: async () => await readClaudeSwitchState(paths) ?? undefined,
  });
}

/** Sizes of `requests.jsonl` and its rotations (missing files are left out). */
export async function readRequestLogStatus(logPath: string): Promise<RequestLogStatus> {
  const files: RequestLogStatus["files"] = [];
  for (const path of logFilesOldestFirst(logPath).reverse()) {
    try {
      files.push({ path, bytes: (await Deno.stat(path)).size });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return { path: logPath, files, total_bytes: files.reduce((n, f) => n + f.bytes, 0) };
}

async function usageProvidersStatus(file: string): Promise<StatusReport["usage_providers"]> {
  try {
    const loaded = await loadUsageProviders(file, { createIfMissing: false });
    return {
      file,
      state: loaded.exists ? "ok" : "missing",
      providers: loaded.providers.map((p) => ({ id: p.id, kind: p.kind, domains: p.domains })),
      error: null,
    };
  } catch (error) {
    return { file, state: "invalid", providers: [], error: message(error) };
  }
}

/** Collects the status report. Reads files and asks two loopback ports; writes nothing. */
export async function collectStatus(
  paths: Paths,
  options: CollectStatusOptions = {},
): Promise<StatusReport> {
  let config: HelperConfig | undefined;
  let configError: string | null = null;
  try {
    config = (await readConfig(paths)).config;
  } catch (error) {
    configError = message(error);
  }
  const [codex, claude] = await Promise.all([
    codexSide(paths, config, options),
    claudeSide(paths, config, options),
  ]);
  return {
    version: VERSION,
    paths: {
      config_json: paths.configJson,
      codex_config_toml: paths.codexConfigToml,
      codex_auth_json: paths.codexAuthJson,
      claude_settings_json: paths.claudeSettings,
      filter_json: paths.filterJson,
      usage_providers_json: paths.usageProvidersJson,
      logs_dir: paths.logsDir,
    },
    codex,
    claude,
    usage_providers: await usageProvidersStatus(paths.usageProvidersJson),
    request_log: await readRequestLogStatus(paths.requestLog),
    config_error: configError,
  };
}
