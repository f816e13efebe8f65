/** `switch-on --claude` / `switch-off --claude`: point Claude Code at the proxy and back. */
import { type EnvGetter, type Paths, processEnv } from "../config/paths.ts";
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { assertWritable, readFileMode, removeIfExists, sha256Hex } from "../fs/user_file.ts";
import { withClaudeSwitchLock, writeSettingsText } from "./settings_file.ts";
import {
  editSettingsEnv,
  formatNewSettings,
  isStrictJson,
  parseClaudeSettings,
  readSettingsEnv,
  removeEmptySettingsEnv,
} from "./settings_json.ts";
import {
  type ClaudeSwitchState,
  loopbackPort,
  proxyBaseUrl,
  readClaudeSwitchState,
  removeClaudeSwitchState,
  writeClaudeSwitchState,
} from "./switch_state.ts";

/** The paths switching reads and writes. */
export type ClaudeSwitchPaths = Pick<
  Paths,
  | "claudeSettings"
  | "claudeSettingsBackup"
  | "claudeSettingsBeforeRestore"
  | "claudeSwitchState"
  | "claudeCredentialsJson"
>;

/** The default proxy port of `serve --claude`. */
export const DEFAULT_CLAUDE_PORT = 3210;
/** The token switch-on adds when Claude Code has no credential; the proxy replaces it. */
export const PLACEHOLDER_AUTH_TOKEN = "codex-helper";

const BASE_URL = "ANTHROPIC_BASE_URL";
const JSONC_WARNING = (file: string) =>
  `"${file}" has comments or trailing commas; Claude Code ignores such a file, ` +
  `so remove them for the switch to take effect`;
const AUTH_TOKEN = "ANTHROPIC_AUTH_TOKEN";
const API_KEY = "ANTHROPIC_API_KEY";

/** Where Claude Code's credential for the proxy comes from after switch-on. */
export type ClaudeCredentialSource =
  | "settings"
  | "api-key-helper"
  | "process-env"
  | "claude-login"
  | "placeholder";

/** Options of {@linkcode switchOnClaude}. */
export interface SwitchOnClaudeOptions {
  port?: number;
  env?: EnvGetter;
  now?: () => Date;
}

/** What {@linkcode switchOnClaude} did. */
export interface SwitchOnClaudeResult {
  /** `switched-on` the first time, `updated` when re-applied (another port), `already-on` else. */
  action: "switched-on" | "updated" | "already-on";
  settingsFile: string;
  /** The backup written or kept, or `undefined` when there was no settings file to back up. */
  backupFile: string | undefined;
  createdSettings: boolean;
  baseUrl: string;
  previousBaseUrl: string | null;
  previousPort: number | undefined;
  credential: ClaudeCredentialSource;
  warnings: string[];
}

async function exists(path: string): Promise<boolean> {
  return await readTextIfExists(path) !== undefined;
}

/** Where Claude Code gets its credential from now, or undefined when it has none. */
export async function findCredential(
  paths: ClaudeSwitchPaths,
  settings: ReturnType<typeof parseClaudeSettings>,
  env: EnvGetter,
): Promise<Exclude<ClaudeCredentialSource, "placeholder"> | undefined> {
  const filled = (v: string | undefined) => v !== undefined && v.trim() !== "";
  if (filled(readSettingsEnv(settings, AUTH_TOKEN)) || filled(readSettingsEnv(settings, API_KEY))) {
    return "settings";
  }
  if (typeof settings.root.apiKeyHelper === "string") return "api-key-helper";
  if (filled(env(AUTH_TOKEN)) || filled(env(API_KEY))) return "process-env";
  if (await exists(paths.claudeCredentialsJson)) return "claude-login";
  return undefined;
}

async function switchAgain(
  paths: ClaudeSwitchPaths,
  state: ClaudeSwitchState,
  options: { port: number; env: EnvGetter },
): Promise<SwitchOnClaudeResult> {
  const { port } = options;
  const file = paths.claudeSettings;
  const found = await readTextIfExists(file);
  const text = found ?? "";
  const settings = parseClaudeSettings(text, file);
  await assertWritable(file);
  const url = proxyBaseUrl(port);
  const result: SwitchOnClaudeResult = {
    action: "already-on",
    settingsFile: file,
    backupFile: state.settingsExisted ? paths.claudeSettingsBackup : undefined,
    createdSettings: false,
    baseUrl: url,
    previousBaseUrl: state.previousBaseUrl,
    previousPort: state.port,
    credential: state.addedAuthToken !== null
      ? "placeholder"
      : await findCredential(paths, settings, options.env) ?? "placeholder",
    warnings: isStrictJson(text) ? [] : [JSONC_WARNING(file)],
  };
  if (readSettingsEnv(settings, BASE_URL) === url && state.port === port) return result;
  const pristine = state.writtenSha256 !== null && await sha256Hex(text) === state.writtenSha256;
  const updated = found === undefined
    ? formatNewSettings({ [BASE_URL]: url })
    : editSettingsEnv(text, { [BASE_URL]: url }, { file });
  await writeClaudeSwitchState(paths, {
    ...state,
    port,
    writtenSha256: pristine ? await sha256Hex(updated) : null,
  });
  await writeSettingsText(file, updated);
  return { ...result, action: "updated" };
}

/**
 * Everything that can make switch-on fail, checked before anything (even ~/.codex-proxy for the
 * lock) is created: settings.json parses and can be written, the record is readable.
 * `serve --claude --switch` runs it before it listens.
 */
export async function checkSwitchOnClaude(
  paths: Pick<ClaudeSwitchPaths, "claudeSettings" | "claudeSwitchState">,
): Promise<void> {
  parseClaudeSettings(await readTextIfExists(paths.claudeSettings) ?? "", paths.claudeSettings);
  await readClaudeSwitchState(paths);
  await assertWritable(paths.claudeSettings);
}

/**
 * Points `env.ANTHROPIC_BASE_URL` in settings.json at `http://127.0.0.1:<port>`, keeping Claude
 * Code's credential (or adding a placeholder token), after backing the file up. Idempotent.
 * A malformed settings.json is refused before anything is written.
 */
export async function switchOnClaude(
  paths: ClaudeSwitchPaths,
  options: SwitchOnClaudeOptions = {},
): Promise<SwitchOnClaudeResult> {
  await checkSwitchOnClaude(paths);
  return await withClaudeSwitchLock(paths, () => switchOnLocked(paths, options));
}

async function switchOnLocked(
  paths: ClaudeSwitchPaths,
  options: SwitchOnClaudeOptions,
): Promise<SwitchOnClaudeResult> {
  const port = options.port ?? DEFAULT_CLAUDE_PORT;
  const env = options.env ?? processEnv;
  const state = await readClaudeSwitchState(paths);
  if (state !== undefined) return await switchAgain(paths, state, { port, env });

  const file = paths.claudeSettings;
  const original = await readTextIfExists(file);
  const settings = parseClaudeSettings(original ?? "", file);
  await assertWritable(file);
  const warnings: string[] = [];
  const url = proxyBaseUrl(port);
  const current = readSettingsEnv(settings, BASE_URL);
  let previousBaseUrl = current ?? null;
  let writeBackup = original !== undefined;
  if (loopbackPort(current) !== undefined) {
    // Switched before and the state was lost: the backup (if any) holds the real previous URL.
    const backupText = await readTextIfExists(paths.claudeSettingsBackup);
    if (backupText !== undefined) {
      writeBackup = false;
      previousBaseUrl = readSettingsEnv(
        parseClaudeSettings(backupText, paths.claudeSettingsBackup),
        BASE_URL,
      ) ?? null;
    } else {
      previousBaseUrl = null;
      warnings.push(
        `"${file}" already pointed at ${current}; switch-off will remove ANTHROPIC_BASE_URL`,
      );
    }
  }
  const credential = await findCredential(paths, settings, env) ?? "placeholder";
  const changes: Record<string, string> = { [BASE_URL]: url };
  if (credential === "placeholder") changes[AUTH_TOKEN] = PLACEHOLDER_AUTH_TOKEN;
  const updated = original === undefined
    ? formatNewSettings(changes)
    : editSettingsEnv(original, changes, { file });
  if (!isStrictJson(updated)) warnings.push(JSONC_WARNING(file));

  if (writeBackup && original !== undefined) {
    await writeFileAtomic(paths.claudeSettingsBackup, original, {
      mode: await readFileMode(file) ?? 0o600,
    });
  }
  await writeClaudeSwitchState(paths, {
    version: 1,
    port,
    settingsExisted: original !== undefined,
    envCreated: settings.env === undefined,
    previousBaseUrl,
    addedAuthToken: credential === "placeholder" ? PLACEHOLDER_AUTH_TOKEN : null,
    writtenSha256: await sha256Hex(updated),
    switchedAt: (options.now ?? (() => new Date()))().toISOString(),
  });
  await writeSettingsText(file, updated);
  return {
    action: "switched-on",
    settingsFile: file,
    backupFile: original === undefined ? undefined : paths.claudeSettingsBackup,
    createdSettings: original === undefined,
    baseUrl: url,
    previousBaseUrl,
    previousPort: undefined,
    credential,
    warnings,
  };
}

/** What {@linkcode switchOffClaude} did. */
export interface SwitchOffClaudeResult {
  action: "switched-off" | "restored-backup" | "not-switched-on" | "nothing-to-restore";
  settingsFile: string;
  /** True when the settings file switch-on had created was removed again. */
  removedSettings: boolean;
  /** One sentence for the user. */
  message: string;
  /** Where settings.json was copied before a restore from the backup changed it. */
  savedCopy?: string;
  warnings: string[];
}

async function restoreFromBackup(
  paths: Pick<ClaudeSwitchPaths, "claudeSettings" | "claudeSettingsBackup">,
): Promise<boolean> {
  const backup = await readTextIfExists(paths.claudeSettingsBackup);
  if (backup === undefined) return false;
  await writeSettingsText(paths.claudeSettings, backup);
  await removeIfExists(paths.claudeSettingsBackup);
  return true;
}

async function switchOffWithoutState(paths: ClaudeSwitchPaths): Promise<SwitchOffClaudeResult> {
  const file = paths.claudeSettings;
  const text = await readTextIfExists(file);
  const current = text === undefined
    ? undefined
    : readSettingsEnv(parseClaudeSettings(text, file), BASE_URL);
  const base = { settingsFile: file, removedSettings: false, warnings: [] as string[] };
  if (loopbackPort(current) === undefined) {
    const leftover = await exists(paths.claudeSettingsBackup);
    return {
      ...base,
      action: "not-switched-on",
      message: `Claude Code is not switched on: "${file}" does not point at a local proxy` +
        (leftover ? ` (an older backup "${paths.claudeSettingsBackup}" was left alone)` : ""),
    };
  }
  const backupFile = paths.claudeSettingsBackup;
  const backupText = await readTextIfExists(backupFile);
  const backup = backupText === undefined ? undefined : parseClaudeSettings(backupText, backupFile);
  const backupUrl = backup === undefined ? undefined : readSettingsEnv(backup, BASE_URL);
  if (backup !== undefined && loopbackPort(backupUrl) === undefined) {
    // only the keys switch-on owns come back from the backup; every other edit stays
    const settings = parseClaudeSettings(text!, file);
    const changes: Record<string, string | undefined> = { [BASE_URL]: backupUrl };
    if (readSettingsEnv(settings, AUTH_TOKEN) === PLACEHOLDER_AUTH_TOKEN) {
      changes[AUTH_TOKEN] = readSettingsEnv(backup, AUTH_TOKEN);
    }
    let updated = editSettingsEnv(text!, changes, { file });
    if (backup.env === undefined) updated = removeEmptySettingsEnv(updated, { file });
    await assertWritable(file);
    await writeFileAtomic(paths.claudeSettingsBeforeRestore, text!, {
      mode: await readFileMode(file) ?? 0o600,
    });
    await writeSettingsText(file, updated);
    return {
      ...base,
      action: "restored-backup",
      savedCopy: paths.claudeSettingsBeforeRestore,
      message: `No switch state found; restored ANTHROPIC_BASE_URL in "${file}" from ` +
        `"${backupFile}" (every other setting kept; the file as it was: ` +
        `"${paths.claudeSettingsBeforeRestore}")`,
    };
  }
  if (backup !== undefined) {
    base.warnings.push(`the backup "${backupFile}" points at a local proxy too; it was not used`);
  }
  return {
    ...base,
    action: "nothing-to-restore",
    message: `"${file}" points at ${current}, but there is no switch state and no backup: ` +
      `remove env.ANTHROPIC_BASE_URL from it by hand; nothing was changed`,
  };
}

/**
 * Undoes `switch-on --claude`: restores the previous ANTHROPIC_BASE_URL (or removes it), removes
 * the placeholder token and an `env` object it created; edits made since are kept. When the file
 * is exactly as switch-on left it, the pre-switch bytes come back unchanged.
 */
export async function switchOffClaude(paths: ClaudeSwitchPaths): Promise<SwitchOffClaudeResult> {
  return await withClaudeSwitchLock(paths, () => switchOffLocked(paths));
}

async function switchOffLocked(paths: ClaudeSwitchPaths): Promise<SwitchOffClaudeResult> {
  const state = await readClaudeSwitchState(paths);
  if (state === undefined) return await switchOffWithoutState(paths);
  const file = paths.claudeSettings;
  const text = await readTextIfExists(file);
  await assertWritable(file);
  const result: SwitchOffClaudeResult = {
    action: "switched-off",
    settingsFile: file,
    removedSettings: false,
    message: `Claude Code no longer uses the proxy: restored "${file}"`,
    warnings: [],
  };
  if (text === undefined) {
    result.message = `"${file}" no longer exists; nothing to restore`;
    if (state.settingsExisted) {
      result.warnings.push(`the pre-switch copy is kept at "${paths.claudeSettingsBackup}"`);
    }
    await removeClaudeSwitchState(paths);
    return result;
  }
  const pristine = state.writtenSha256 !== null && await sha256Hex(text) === state.writtenSha256;
  if (pristine && !state.settingsExisted) {
    await removeIfExists(file);
    await removeClaudeSwitchState(paths);
    return {
      ...result,
      removedSettings: true,
      message: `Removed "${file}" (switch-on created it)`,
    };
  }
  if (pristine && await restoreFromBackup(paths)) {
    await removeClaudeSwitchState(paths);
    return result;
  }

  const settings = parseClaudeSettings(text, file);
  const changes: Record<string, string | undefined> = {};
  const current = readSettingsEnv(settings, BASE_URL);
  if (loopbackPort(current) === state.port) {
    changes[BASE_URL] = state.previousBaseUrl ?? undefined;
  } else {
    result.warnings.push(
      `env.ANTHROPIC_BASE_URL was changed since switch-on (now ${current ?? "absent"}); left as is`,
    );
  }
  if (
    state.addedAuthToken !== null && readSettingsEnv(settings, AUTH_TOKEN) === state.addedAuthToken
  ) {
    changes[AUTH_TOKEN] = undefined;
  }
  let updated = editSettingsEnv(text, changes, { file });
  if (state.envCreated) updated = removeEmptySettingsEnv(updated, { file });
  if (!state.settingsExisted && Object.keys(parseClaudeSettings(updated, file).root).length === 0) {
    await removeIfExists(file);
    result.removedSettings = true;
    result.message = `Removed "${file}" (switch-on created it)`;
  } else if (updated !== text) {
    await writeSettingsText(file, updated);
  }
  await removeClaudeSwitchState(paths);
  await removeIfExists(paths.claudeSettingsBackup);
  return result;
}
