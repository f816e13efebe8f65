/**
 * Byte-exact switch-off without keeping config.toml: the key-by-key restore of the record, plus a
 * small splice for the few layouts it lays out differently, checked against the original's hash.
 */
import { sha256Hex } from "../fs/user_file.ts";
import { editSwitchOff, type SwitchOffInput } from "./proxy_provider_edit.ts";
import type { CodexSwitchState, ExactRestore, TextSplice } from "./switch_state.ts";

/**
 * The smallest single splice that turns `from` into `to`, or `null` when they are equal.
 *
 * @example
 * ```ts
 * diffSplice("a = 1\nb = 2\n", "a = 1\n\nb = 2\n"); // { start: 6, end: 6, insert: "\n" }
 * ```
 */
export function diffSplice(from: string, to: string): TextSplice | null {
  if (from === to) return null;
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from[start] === to[start]) start++;
  let tail = 0;
  while (
    tail < max - start && from[from.length - 1 - tail] === to[to.length - 1 - tail]
  ) tail++;
  return { start, end: from.length - tail, insert: to.slice(start, to.length - tail) };
}

/** Applies a {@linkcode diffSplice} result. */
export function applySplice(text: string, splice: TextSplice | null): string {
  if (splice === null) return text;
  return text.slice(0, splice.start) + splice.insert + text.slice(splice.end);
}

/** The record as {@linkcode editSwitchOff} takes it. */
export function switchOffInput(file: string, state: CodexSwitchState): SwitchOffInput {
  return {
    file,
    previousModelProvider: state.previousModelProvider,
    previousPieces: state.previousPieces,
    appended: state.appended ?? undefined,
  };
}

/**
 * What the record needs to give back `original` byte for byte from `written`: its hash, and the
 * splice (if any) the key-by-key restore needs. `null` when even that restore fails.
 */
export async function planExact(
  original: string,
  written: string,
  state: CodexSwitchState,
): Promise<ExactRestore | null> {
  const sha256 = await sha256Hex(original);
  if (state.createdFile) return { sha256, splice: null };
  try {
    const restored = editSwitchOff(written, switchOffInput(state.configPath, state)).text;
    return { sha256, splice: diffSplice(restored, original) };
  } catch {
    return null;
  }
}

/**
 * The file before switch-on, while `text` is exactly what switch-on wrote and the record can
 * rebuild it (checked against its hash); else `undefined`.
 */
export async function exactOriginal(
  text: string,
  state: CodexSwitchState,
): Promise<string | undefined> {
  if ((await sha256Hex(text)) !== state.written.sha256) return undefined;
  if (typeof state.original === "string") return state.original; // a record of an earlier version
  if (state.exact === null) return undefined;
  if (state.createdFile) return "";
  const restored = editSwitchOff(text, switchOffInput(state.configPath, state)).text;
  const original = applySplice(restored, state.exact.splice);
  return (await sha256Hex(original)) === state.exact.sha256 ? original : undefined;
}
