/** File operations of the Claude switch: symlink-aware, mode-keeping atomic writes and a lock. */
import { dirname } from "node:path";
import type { Paths } from "../config/paths.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";

/** The permission bits of a file, or `undefined` when it does not exist (or on Windows). */
export async function readFileMode(path: string): Promise<number | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.mode === null ? undefined : info.mode & 0o777;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function resolveLink(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return path;
    throw error;
  }
}

/**
 * Replaces a settings file atomically. A symlink (dotfile managers) stays a symlink: its target is
 * written. The file's mode is kept; a new file gets 0600.
 */
export async function writeSettingsText(path: string, text: string): Promise<void> {
  const target = await resolveLink(path);
  await writeFileAtomic(target, text, { mode: await readFileMode(target) ?? 0o600 });
}

/** Removes a file; a missing one is fine. */
export async function removeIfExists(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** Runs `fn` holding the lock of the Claude switch state, so two switches never interleave. */
export async function withClaudeSwitchLock<T>(
  paths: Pick<Paths, "claudeSwitchState">,
  fn: () => Promise<T>,
): Promise<T> {
  await Deno.mkdir(dirname(paths.claudeSwitchState), { recursive: true });
  return await withFileLock(paths.claudeSwitchState, fn);
}
