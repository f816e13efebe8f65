/** switch-on / switch-off of Codex's `config.toml`: read, plan, back up, write atomically, record. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { EnvGetter, Paths } from "../config/paths.ts";
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { readCodexAuth } from "./auth_json.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";
import { editSwitchOff, editSwitchOn, proxyProvider } from "./proxy_provider_edit.ts";
import {
  type CodexSwitchState,
  readSwitchState,
  removeSwitchState,
  sha256Hex,
  writeSwitchState,
} from "./switch_state.ts";

/** The port switch-on uses when none is given. */
export const DEFAULT_SWITCH_PORT = 3211;

/** Options of {@linkcode switchOn}. */
export interface SwitchOnOptions {
  port: number;
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

async function fileMode(path: string): Promise<number | undefined> {
  try {
    const mode = (await Deno.stat(path)).mode;
    return mode === null ? undefined : mode & 0o777;
  } catch {
    return undefined;
  }
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

/** Warnings for profiles (in config.toml or `<name>.config.toml`) that set their own provider. */
export async function profileWarnings(
  paths: Paths,
  value: Record<string, unknown>,
): Promise<string[]> {
  const out: string[] = [];
  const profiles = value.profiles;
  if (typeof profiles === "object" && profiles !== null) {
    for (const [name, p] of Object.entries(profiles)) {
      const mp = (p as Record<string, unknown> | null)?.model_provider;
      if (typeof mp === "string" && mp !== PROXY_PROVIDER_ID) {
        out.push(`profile "${name}" sets model_provider = "${mp}" and bypasses the proxy`);
      }
    }
  }
  let names: string[] = [];
  try {
    names = await readdir(paths.codexHome);
  } catch {
    return out;
  }
  for (const file of names.filter((n) => n.endsWith(".config.toml")).sort()) {
    const path = join(paths.codexHome, file);
    try {
      const v = analyzeCodexConfig(await Deno.readTextFile(path), path).value;
      if (typeof v.model_provider === "string" && v.model_provider !== PROXY_PROVIDER_ID) {
        out.push(
          `profile file "${path}" sets model_provider = "${v.model_provider}" and bypasses the proxy`,
        );
      }
    } catch (error) {
      out.push(error instanceof Error ? error.message : String(error));
    }
  }
  return out;
}

function looksSwitched(value: Record<string, unknown>): boolean {
  const providers = value.model_providers as Record<string, Record<string, unknown>> | undefined;
  return value.model_provider === PROXY_PROVIDER_ID &&
    providers?.[PROXY_PROVIDER_ID]?.name === "codex-helper";
}

/** Points Codex at a codex-helper on `port`; idempotent; backs up and records before writing. */
export async function switchOn(paths: Paths, options: SwitchOnOptions): Promise<SwitchOnResult> {
  const file = paths.codexConfigToml;
  const warnings: string[] = [];
  const text = await readTextIfExists(file);
  const state = await readSwitchState(paths.codexSwitchState);
  const requiresOpenaiAuth = await chatgptLogin(paths, warnings);
  const provider = proxyProvider(options.port, { requiresOpenaiAuth });
  const edit = editSwitchOn(text ?? "", { file, provider });
  const before = analyzeCodexConfig(text ?? "", file).value;
  warnings.push(...await profileWarnings(paths, before));
  const sha256 = await sha256Hex(edit.text);
  let next: CodexSwitchState;
  let backupPath: string | undefined;
  if (state !== undefined) {
    const untouched = text !== undefined && (await sha256Hex(text)) === state.written.sha256;
    next = {
      ...state,
      port: options.port,
      written: { provider, sha256 },
      original: untouched ? state.original : null,
    };
  } else {
    const ours = looksSwitched(before);
    if (text !== undefined && !ours) {
      await writeFileAtomic(paths.codexConfigBackup, text, {
        mode: (await fileMode(file)) ?? 0o600,
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
      await writeFileAtomic(file, edit.text, { mode: (await fileMode(file)) ?? 0o644 });
    } catch (error) {
      if (state === undefined) await removeSwitchState(paths.codexSwitchState);
      throw error;
    }
  }
  return {
    status: state === undefined && changed ? "switched" : changed ? "updated" : "unchanged",
    configPath: file,
    port: options.port,
    previousPort: state?.port,
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
export async function switchOff(paths: Paths): Promise<SwitchOffResult> {
  const file = paths.codexConfigToml;
  const base = { configPath: file, removedFile: false, notes: [] as string[] };
  const state = await readSwitchState(paths.codexSwitchState);
  const text = await readTextIfExists(file);
  if (state === undefined) {
    const value = text === undefined ? {} : analyzeCodexConfig(text, file).value;
    if (value.model_provider !== PROXY_PROVIDER_ID) return { ...base, status: "not-switched" };
    const backup = await readTextIfExists(paths.codexConfigBackup);
    if (backup === undefined) return { ...base, status: "no-record" };
    await writeFileAtomic(file, backup, { mode: (await fileMode(file)) ?? 0o644 });
    return { ...base, status: "restored-backup" };
  }
  if (text === undefined) {
    base.notes.push(`"${file}" no longer exists; nothing to restore`);
  } else if (state.original !== null && (await sha256Hex(text)) === state.written.sha256) {
    if (state.createdFile) {
      await Deno.remove(file);
      base.removedFile = true;
    } else {
      await writeFileAtomic(file, state.original, { mode: (await fileMode(file)) ?? 0o644 });
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
      await writeFileAtomic(file, edit.text, { mode: (await fileMode(file)) ?? 0o644 });
    }
  }
  await removeSwitchState(paths.codexSwitchState);
  return { ...base, status: "restored" };
}
