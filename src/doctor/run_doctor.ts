/** Runs every doctor check against the files of one home; the thin I/O shell around the pure checks. */
import { detectStaleClaudeSwitch } from "../claude/stale_switch.ts";
import { readFileMode } from "../fs/user_file.ts";
import { DEFAULT_CLAUDE_PORT } from "../claude/switch.ts";
import { findProfileProblems } from "../codex/profile_warnings.ts";
import { detectStaleSwitch, switchedPort } from "../codex/stale_switch.ts";
import { DEFAULT_SWITCH_PORT } from "../codex/switch.ts";
import { readSwitchState } from "../codex/switch_state.ts";
import type { EnvGetter, Paths } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import { probeProxy } from "../proxy/probe.ts";
import { type DoctorCheck, errorHint, errorText, failCheck, okCheck } from "./check.ts";
import { checkClaudeSettingsText, checkClaudeSwitch } from "./claude_checks.ts";
import {
  checkCodexConfigText,
  checkCodexProfiles,
  checkCodexStaleSwitch,
  checkLegacyProfiles,
} from "./codex_checks.ts";
import {
  checkActiveConfig,
  checkBaseUrls,
  checkConfigJsonText,
  checkFileModes,
  checkPlainSecrets,
  checkUpstreamTokens,
  type FileMode,
} from "./config_checks.ts";
import {
  checkCodexAuthFile,
  checkFilterFile,
  checkLogsWritable,
  checkSessionsReadable,
  checkUsageProvidersFile,
} from "./file_checks.ts";
import { checkProxyPort } from "./port_check.ts";
import { checkPinnedSessions } from "./pinned_sessions_check.ts";

/** Options of {@linkcode runDoctor}. */
export interface RunDoctorOptions {
  env: EnvGetter;
  /** Defaults to the running OS (file modes are skipped on Windows). */
  os?: string;
  /** Used to ask ports for a codex-helper; defaults to global fetch. */
  fetch?: typeof fetch;
  /** The project whose sessions pinned to another provider are counted; none when omitted. */
  project?: string;
  /** Ports checked when a client is not switched (defaults 3211 and 3210). */
  defaultPorts?: { codex?: number; claude?: number };
}

/** A file's text, or the check that says why it cannot be read. */
async function readText(
  file: string,
  id: string,
): Promise<{ text: string | undefined; check?: DoctorCheck }> {
  try {
    return { text: await readTextIfExists(file) };
  } catch (error) {
    const failure = toFileAccessError(error, file);
    return {
      text: undefined,
      check: failCheck(id, errorText(failure), errorHint(failure, "check its permissions")),
    };
  }
}

async function modeOf(path: string): Promise<FileMode> {
  return { path, mode: await readFileMode(path).catch(() => undefined) };
}

async function codexSwitchStateCheck(paths: Paths): Promise<DoctorCheck> {
  const id = "codex.switch_state";
  try {
    const state = await readSwitchState(paths.codexSwitchState);
    if (state === undefined) return okCheck(id, "No Codex switch record");
    return okCheck(id, `Codex switch record: port ${state.port} since ${state.switchedAt}`);
  } catch (error) {
    return failCheck(id, errorText(error), errorHint(error, "move the file away"));
  }
}

/** Runs all checks in a stable order. Never writes a file (the logs probe is removed at once). */
export async function runDoctor(paths: Paths, options: RunDoctorOptions): Promise<DoctorCheck[]> {
  const os = options.os ?? Deno.build.os;
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const probe = (port: number) => probeProxy(port, fetchOption);
  const checks: DoctorCheck[] = [];

  // Codex: config.toml, where it points, the dead-port lockout, profiles, auth.json, sessions
  const toml = await readText(paths.codexConfigToml, "codex.config_toml");
  const codex = toml.check
    ? { value: undefined, checks: [toml.check] }
    : checkCodexConfigText(toml.text, paths.codexConfigToml);
  checks.push(...codex.checks);
  const stale = codex.value === undefined ? undefined : await detectStaleSwitch(paths, fetchOption);
  checks.push(checkCodexStaleSwitch(codex.value, stale));
  const profiles = codex.value === undefined ? [] : await findProfileProblems(paths, codex.value);
  checks.push(checkLegacyProfiles(profiles), checkCodexProfiles(codex.value, profiles));
  checks.push(await codexSwitchStateCheck(paths));

  // config.json
  const json = await readText(paths.configJson, "config.json");
  const loaded = json.check
    ? { config: undefined, check: json.check }
    : checkConfigJsonText(json.text, paths.configJson);
  const config = loaded.config;
  checks.push(loaded.check, checkBaseUrls(json.text, paths.configJson));
  const codexActive = config?.codex.active === undefined
    ? undefined
    : config.codex.configs[config.codex.active];
  const needsLogin = codexActive?.upstreams.some((u) => u.auth?.mode === "passthrough") ?? false;
  checks.push(await checkCodexAuthFile(paths.codexAuthJson, { needsLogin }));
  checks.push(await checkSessionsReadable(paths.codexSessions));
  if (options.project !== undefined) {
    const current = codex.value?.model_provider;
    checks.push(
      await checkPinnedSessions(paths.codexSessions, {
        project: options.project,
        currentProvider: typeof current === "string" ? current : undefined,
        headCacheFile: paths.sessionHeadCache,
      }),
    );
  }
  for (const service of ["codex", "claude"] as const) {
    checks.push(checkActiveConfig(config, service));
    checks.push(checkUpstreamTokens(config, { service, env: options.env }));
  }
  checks.push(checkPlainSecrets(config, paths.configJson));

  // Claude Code: settings.json and its switch
  const settings = await readText(paths.claudeSettings, "claude.settings_json");
  checks.push(settings.check ?? checkClaudeSettingsText(settings.text, paths.claudeSettings));
  const health = await detectStaleClaudeSwitch(paths, { probe });
  checks.push(checkClaudeSwitch(health));

  // files shared by both sides
  const secretFiles = [
    paths.configJson,
    paths.configJsonBackup,
    paths.codexAuthJson,
    paths.claudeCredentialsJson,
  ];
  if (/"ANTHROPIC_(AUTH_TOKEN|API_KEY)"/.test(settings.text ?? "")) {
    secretFiles.push(paths.claudeSettings);
  }
  const proxyHome: FileMode = { ...await modeOf(paths.proxyHome), folder: true };
  checks.push(checkFileModes([...await Promise.all(secretFiles.map(modeOf)), proxyHome], os));
  checks.push(await checkFilterFile(paths.filterJson));
  checks.push(await checkUsageProvidersFile(paths.usageProvidersJson));
  checks.push(await checkLogsWritable(paths.logsDir));

  // the proxy ports: where each client points, else the default
  const codexPort = (codex.value === undefined ? undefined : switchedPort(codex.value)) ??
    options.defaultPorts?.codex ?? DEFAULT_SWITCH_PORT;
  const claudePort = health.port ?? options.defaultPorts?.claude ?? DEFAULT_CLAUDE_PORT;
  checks.push(await checkProxyPort(codexPort, { service: "codex", probe }));
  if (claudePort !== codexPort) {
    checks.push(await checkProxyPort(claudePort, { service: "claude", probe }));
  }
  return checks;
}
