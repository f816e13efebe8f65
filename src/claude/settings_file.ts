/** File operations of the Claude switch: symlink-aware, mode-keeping atomic writes and a lock. */
import { dirname } from "node:path";
import type { Paths } from "../config/paths.ts";
import { writeUserFile } from "../fs/user_file.ts";
import { withFileLock } from "../fs/file_lock.ts";

/**
 * Replaces a settings file atomically. A symlink (dotfile managers) stays a symlink: its target is
 * written. The file's mode is kept; a new file gets 0600 (it may hold a key).
 */
export async function writeSettingsText(path: string, text: string): Promise<void> {
  await writeUserFile(path, text, { newFileMode: 0o600 });
}

/** Runs `fn` holding the lock of the Claude switch state, so two switches never interleave. */
export async function withClaudeSwitchLock<T>(
  paths: Pick<Paths, "claudeSwitchState">,
  fn: () => Promise<T>,
): Promise<T> {
  await Deno.mkdir(dirname(paths.claudeSwitchState), { recursive: true, mode: 0o700 });
  return await withFileLock(paths.claudeSwitchState, fn);
}
