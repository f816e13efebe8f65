/** switch-on / switch-off of Codex's `config.toml`: read, plan, back up, write atomically, record. */
import type { EnvGetter, Paths } from "../config/paths.ts";
import { CliError } from "../errors.ts";
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { assertWritable, readFileMode, sha256Hex, writeUserFile } from "../fs/user_file.ts";
import { readCodexAuth } from "./auth_json.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";
import { editSwitchOff, editSwitchOn, proxyProvider } from "./proxy_provider_edit.ts";
import { exactOriginal, planExact, switchOffInput } from "./exact_restore.ts";
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
  await Deno.mkdir(paths.proxyHome, { recursive: true, mode: 0o700 });
  return await withFileLock(paths.codexSwitchState, fn);
}

/**
 * Everything that can make switch-on fail, checked before anything is created or written: the
 * file reads, parses and can be written; the record is readable and belongs to this file.
 * `serve --switch` runs it before it listens.
 */
export async function checkSwitchOn(paths: Paths, port: number): Promise<void> {
  const file = paths.codexConfigToml;
  const text = await readTextIfExists(file);
  checkRecordFile(await readSwitchState(paths.codexSwitchState), file);
  if (text === undefined) return;
  editSwitchOn(text, { file, provider: proxyProvider(port) });
  await assertWritable(file);
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
export async function switchOn(paths: Paths, options: SwitchOnOptions): Promise<SwitchOnResult> {
  await checkSwitchOn(paths, options.port);
  return await withSwitchLock(paths, () => switchOnLocked(paths, options));
}

async function switchOnLocked(paths: Paths, options: SwitchOnOptions): Promise<SwitchOnResult> {
  const file = paths.codexConfigToml;
  const warnings: string[] = [];
  const text = await readTextIfExists(file);
  const state = await readSwitchState(paths.codexSwitchState);
  checkRecordFile(state, file);
  if (text !== undefined) await assertWritable(file);
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
    const original = text === undefined ? undefined : await exactOriginal(text, continuing);
    const { original: _legacy, ...kept } = continuing;
    next = {
      ...kept,
      port: options.port,
      appended: edit.appended ?? continuing.appended,
      written: { provider, sha256 },
      exact: null,
    };
    if (original !== undefined) next.exact = await planExact(original, edit.text, next);
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
      exact: null,
    };
    if (!ours) next.exact = await planExact(text ?? "", edit.text, next);
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
   * "restored": from the record; "restored-backup": no record, the keys switch-on owns were
   * restored from the backup; "not-switched": Codex does not point at codex_proxy; "no-record":
   * switched, but neither a record nor a usable backup exists (nothing changed).
   */
  status: "restored" | "restored-backup" | "not-switched" | "no-record";
  configPath: string;
  /** The file was created by switch-on and removed again. */
  removedFile: boolean;
  /** Where the file was copied before a restore from the backup changed it. */
  savedCopy: string | undefined;
  notes: string[];
}

/** Restores what switch-on changed (only that); removes the record afterwards. */
export async function switchOff(paths: Paths): Promise<SwitchOffResult> {
  // an unreadable or broken file fails here, and a file that was never switched needs nothing:
  // either way, nothing is created (not even ~/.codex-proxy for the lock)
  const file = paths.codexConfigToml;
  const text = await readTextIfExists(file);
  const switched = text !== undefined &&
    analyzeCodexConfig(text, file).value.model_provider === PROXY_PROVIDER_ID;
  if (!switched && (await readTextIfExists(paths.codexSwitchState)) === undefined) {
    return { ...offBase(file), status: "not-switched" };
  }
  return await withSwitchLock(paths, () => switchOffLocked(paths));
}

/** A {@linkcode SwitchOffResult} for `file` with nothing done yet. */
function offBase(file: string): Omit<SwitchOffResult, "status"> {
  return { configPath: file, removedFile: false, savedCopy: undefined, notes: [] };
}

/**
 * No record (lost, another CODEX_PROXY_HOME, hand edits): only `model_provider` and the
 * `codex_proxy` provider are restored, with their values from the backup; every other line of
 * the current file stays. The file is copied aside first.
 */
async function restoreFromBackup(
  paths: Paths,
  text: string | undefined,
  base: Omit<SwitchOffResult, "status">,
): Promise<SwitchOffResult> {
  const file = paths.codexConfigToml;
  const current = text === undefined ? undefined : analyzeCodexConfig(text, file);
  if (text === undefined || current?.value.model_provider !== PROXY_PROVIDER_ID) {
    return { ...base, status: "not-switched" };
  }
  const backupFile = paths.codexConfigBackup;
  const backupText = await readTextIfExists(backupFile);
  if (backupText === undefined) return { ...base, status: "no-record" };
  const backup = analyzeCodexConfig(backupText, backupFile);
  if (backup.value.model_provider === PROXY_PROVIDER_ID) {
    base.notes.push(`the backup "${backupFile}" points at codex_proxy too; it was not used`);
    return { ...base, status: "no-record" };
  }
  const edit = editSwitchOff(text, {
    file,
    previousModelProvider: backup.modelProvider?.raw ?? null,
    previousPieces: backup.pieces.map((p) => ({
      context: p.context,
      text: backup.body.slice(p.start, p.end),
    })),
    appended: undefined,
  });
  base.notes.push(...edit.notes);
  if (edit.changed) {
    await writeFileAtomic(paths.codexConfigBeforeRestore, text, {
      mode: (await readFileMode(file)) ?? 0o600,
    });
    base.savedCopy = paths.codexConfigBeforeRestore;
    await writeUserFile(file, edit.text, NEW_FILE);
  }
  return { ...base, status: "restored-backup" };
}

async function switchOffLocked(paths: Paths): Promise<SwitchOffResult> {
  const file = paths.codexConfigToml;
  const base = offBase(file);
  const state = await readSwitchState(paths.codexSwitchState);
  checkRecordFile(state, file);
  const text = await readTextIfExists(file);
  if (text !== undefined) await assertWritable(file);
  if (state === undefined) return await restoreFromBackup(paths, text, base);
  const original = text === undefined ? undefined : await exactOriginal(text, state);
  if (text === undefined) {
    base.notes.push(`"${file}" no longer exists; nothing to restore`);
  } else if (original !== undefined && state.createdFile) {
    await Deno.remove(file);
    base.removedFile = true;
  } else if (original !== undefined) {
    await writeUserFile(file, original, NEW_FILE);
  } else {
    const edit = editSwitchOff(text, switchOffInput(file, state));
    base.notes.push(...edit.notes);
    if (edit.changed) {
      await writeUserFile(file, edit.text, NEW_FILE);
    }
  }
  await removeSwitchState(paths.codexSwitchState);
  return { ...base, status: "restored" };
}
