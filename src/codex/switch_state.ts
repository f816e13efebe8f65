/** The record of what switch-on changed in Codex's `config.toml` (`switch_state.codex.json`). */
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { CliError } from "../errors.ts";
import type { TomlPiece } from "./config_toml.ts";
import type { ProxyProvider } from "./proxy_provider_edit.ts";

/** What switch-on changed, and what it wrote. */
export interface CodexSwitchState {
  version: 1;
  configPath: string;
  port: number;
  switchedAt: string;
  /** `config.toml` did not exist before switch-on. */
  createdFile: boolean;
  /** Source text of the previous `model_provider` value; `null` when it was absent. */
  previousModelProvider: string | null;
  /** The previous `codex_proxy` provider as written (empty when absent). */
  previousPieces: TomlPiece[];
  /** Text around the appended table, to remove it exactly. */
  appended: { before: string; after: string } | null;
  written: { provider: ProxyProvider; sha256: string };
  /**
   * How to give back the pre-switch bytes while the file is exactly what switch-on wrote; `null`
   * once the file was edited in between. The record never holds the whole file.
   */
  exact: ExactRestore | null;
  /** Records of earlier versions held the whole file before switch-on here; read, never written. */
  original?: string | null;
}

/** A splice of a text: replace `text.slice(start, end)` by `insert`. */
export interface TextSplice {
  start: number;
  end: number;
  insert: string;
}

/** What a byte-exact switch-off needs beyond the previous values of the keys switch-on owns. */
export interface ExactRestore {
  /** SHA-256 of the file before switch-on (of "" when switch-on created it). */
  sha256: string;
  /**
   * The few bytes the key-by-key restore lays out differently (keys switch-on regrouped, blank
   * lines around them), as a splice of its result; `null` when it restores the bytes by itself.
   */
  splice: TextSplice | null;
}

function isState(value: unknown): value is CodexSwitchState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const written = v.written as Record<string, unknown> | undefined;
  const exact = v.exact as Record<string, unknown> | null | undefined;
  if (exact !== undefined && exact !== null && typeof exact.sha256 !== "string") return false;
  return v.version === 1 && typeof v.port === "number" && Array.isArray(v.previousPieces) &&
    (v.previousModelProvider === null || typeof v.previousModelProvider === "string") &&
    typeof written === "object" && written !== null && typeof written.sha256 === "string";
}

/** Reads the state file; `undefined` when absent; a `CliError` when it is not ours. */
export async function readSwitchState(path: string): Promise<CodexSwitchState | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const value = parseJsonText(text, path);
  if (!isState(value)) {
    throw new CliError(`Cannot use "${path}": it is not a codex-helper switch record`, {
      hint: "move it away, then run switch-off again (the backup config.toml is restored instead)",
    });
  }
  if (value.exact === undefined) value.exact = null; // a record of an earlier version
  return value;
}

/** Writes the state file atomically (0600). */
export async function writeSwitchState(path: string, state: CodexSwitchState): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(state, null, 2) + "\n");
}

/** Removes the state file (absent is fine). */
export async function removeSwitchState(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
