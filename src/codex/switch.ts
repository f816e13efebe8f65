/** switch-on / switch-off of Codex's `config.toml`: read, plan, back up, write atomically, record. */
import type { EnvGetter, Paths } from "../config/paths.ts";
import { CliError } from "../errors.ts";
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { readFileMode, sha256Hex, writeUserFile } from "../fs/user_file.ts";
import { readCodexAuth } from "./auth_json.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";
import { editSwitchOff, editSwitchOn, proxyProvider } from "./proxy_provider_edit.ts";
import { profileWarnings } from "./profile_warnings.ts";
import { withFileLock } from "../fs/file_lock.ts";
import {
  type CodexSwitchState,
  readSwitchState,
  removeSwitchState,
  writeSwitchState,
} from "./switch_state.ts";

/** The port switch-on uses when none is given. */
export const DEFAULT_SWITCH_PORT = 3211;

/** Options of {@linkcode switchOn}. */
export interface SwitchOnOptions {
  port: number;
  /** The caller's environment; accepted for callers such as `serve --switch` (not read yet). */
  env?: EnvGetter;
}

/** What {@linkcode switchOn} did. */
export interface SwitchOnResult {
  /** "switched": newly; "updated": already on, port changed; "unchanged": already so. */
  status: "switched" | "updated" | "unchanged";
  configPath: string;
  port: number;
  previousPort: number | undefined;
  /** The backup written by this call, if any. */
  backupPath: string | undefined;
  createdFile: boolean;
  requiresOpenaiAuth: boolean;
  /** Profiles that bypass the proxy, unreadable files. */
  warnings: string[];
}

async function chatgptLogin(paths: Paths, warnings: string[]): Promise<boolean> {
  try {
    return (await readCodexAuth(paths.codexAuthJson))?.chatgptLogin ?? false;
  } catch (error) {
    warnings.push(
      `${error instanceof Error ? error.message : String(error)} (assumed no ChatGPT login)`,
    );
    return false;
  }
}

/** A config.toml that switch-on creates is readable like the one Codex would create. */
const NEW_FILE = { newFileMode: 0o644 };

/** Serialises switch-on / switch-off across processes (a lock next to the switch record). */
async function withSwitchLock<T>(paths: Paths, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(paths.proxyHome, { recursive: true });
  return await withFileLock(paths.codexSwitchState, fn);
}

/** The record belongs to another config.toml (another CODEX_HOME): refuse rather than mix them. */
function checkRecordFile(state: CodexSwitchState | undefined, file: string): void {
  if (state === undefined || state.configPath === file) return;
  throw new CliError(
    `The switch record is for "${state.configPath}", not "${file}"`,
    { hint: `run "codex-helper switch-off" with the CODEX_HOME of that file first` },
  );
}

function looksSwitched(value: Record<string, unknown>): boolean {
  const providers = value.model_providers as Record<string, Record<string, unknown>> | undefined;
  return value.model_provider === PROXY_PROVIDER_ID &&
    providers?.[PROXY_PROVIDER_ID]?.name === "codex-helper";
}

/** Points Codex at a codex-helper on `port`; idempotent; backs up and records before writing. */
export function switchOn(paths: Paths, options: SwitchOnOptions): Promise<SwitchOnResult> {
  return withSwitchLock(paths, () => switchOnLocked(paths, options));
}

async function switchOnLocked(paths: Paths, options: SwitchOnOptions): Promise<SwitchOnResult> {
  const file = paths.codexConfigToml;
  const warnings: string[] = [];
  const text = await readTextIfExists(file);
  const state = await readSwitchState(paths.codexSwitchState);
  checkRecordFile(state, file);
  const requiresOpenaiAuth = await chatgptLogin(paths, warnings);
  const provider = proxyProvider(options.port, { requiresOpenaiAuth });
  const edit = editSwitchOn(text ?? "", { file, provider });
  const before = analyzeCodexConfig(text ?? "", file).value;
  warnings.push(...await profileWarnings(paths, before));
  const sha256 = await sha256Hex(edit.text);
  let next: CodexSwitchState;
  let backupPath: string | undefined;
  const ours = looksSwitched(before);
  // a record only counts while the file is still switched; otherwise start afresh
  const continuing = state !== undefined && ours ? state : undefined;
  if (continuing !== undefined) {
    const untouched = text !== undefined && (await sha256Hex(text)) === continuing.written.sha256;
    next = {
      ...continuing,
      port: options.port,
      appended: edit.appended ?? continuing.appended,
      written: { provider, sha256 },
      original: untouched ? continuing.original : null,
    };
  } else {
    if (text !== undefined && !ours) {
      await writeFileAtomic(paths.codexConfigBackup, text, {
        mode: (await readFileMode(file)) ?? 0o600,
      });
      backupPath = paths.codexConfigBackup;
    }
    next = {
      version: 1,
      configPath: file,
      port: options.port,
      switchedAt: new Date().toISOString(),
      createdFile: text === undefined,
      previousModelProvider: ours ? null : edit.previousModelProvider,
      previousPieces: ours ? [] : edit.previousPieces,
      appended: edit.appended ?? null,
      written: { provider, sha256 },
      original: ours ? null : text ?? "",
    };
  }
  const changed = text === undefined || edit.changed;
  if (changed || JSON.stringify(next) !== JSON.stringify(state)) {
    await writeSwitchState(paths.codexSwitchState, next);
  }
  if (changed) {
    try {
      await writeUserFile(file, edit.text, NEW_FILE);
    } catch (error) {
      if (continuing === undefined) await removeSwitchState(paths.codexSwitchState);
      throw error;
    }
  }
  return {
    status: continuing === undefined && changed ? "switched" : changed ? "updated" : "unchanged",
    configPath: file,
    port: options.port,
    previousPort: continuing?.port,
    backupPath,
    createdFile: text === undefined,
    requiresOpenaiAuth,
    warnings,
  };
}

/** What {@linkcode switchOff} did. */
export interface SwitchOffResult {
  /**
   * "restored": from the record; "restored-backup": no record, the backup was copied back;
   * "not-switched": Codex does not point at codex_proxy; "no-record": switched, but neither a
   * record nor a backup exists (nothing changed).
   */
  status: "restored" | "restored-backup" | "not-switched" | "no-record";
  configPath: string;
  /** The file was created by switch-on and removed again. */
  removedFile: boolean;
  notes: string[];
}

/** Restores what switch-on changed (only that); removes the record afterwards. */
export function switchOff(paths: Paths): Promise<SwitchOffResult> {
  return withSwitchLock(paths, () => switchOffLocked(paths));
}

async function switchOffLocked(paths: Paths): Promise<SwitchOffResult> {
  const file = paths.codexConfigToml;
  const base = { configPath: file, removedFile: false, notes: [] as string[] };
  const state = await readSwitchState(paths.codexSwitchState);
  checkRecordFile(state, file);
  const text = await readTextIfExists(file);
  if (state === undefined) {
    const value = text === undefined ? {} : analyzeCodexConfig(text, file).value;
    if (value.model_provider !== PROXY_PROVIDER_ID) return { ...base, status: "not-switched" };
    const backup = await readTextIfExists(paths.codexConfigBackup);
    if (backup === undefined) return { ...base, status: "no-record" };
    await writeUserFile(file, backup, NEW_FILE);
    return { ...base, status: "restored-backup" };
  }
  if (text === undefined) {
    base.notes.push(`"${file}" no longer exists; nothing to restore`);
  } else if (state.original !== null && (await sha256Hex(text)) === state.written.sha256) {
    if (state.createdFile) {
      await Deno.remove(file);
      base.removedFile = true;
    } else {
      await writeUserFile(file, state.original, NEW_FILE);
    }
  } else {
    const edit = editSwitchOff(text, {
      file,
      previousModelProvider: state.previousModelProvider,
      previousPieces: state.previousPieces,
      appended: state.appended ?? undefined,
    });
    base.notes.push(...edit.notes);
    if (edit.changed) {
      await writeUserFile(file, edit.text, NEW_FILE);
    }
  }
  await removeSwitchState(paths.codexSwitchState);
  return { ...base, status: "restored" };
}
