/** Writing a user's own file (config.toml, settings.json) without changing what it is. */
import { writeFileAtomic } from "./atomic_write.ts";

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

/** Options of {@linkcode writeUserFile}. */
export interface WriteUserFileOptions {
  /** The mode of a file that does not exist yet. */
  newFileMode: number;
}

/**
 * Replaces a user's file atomically. A symlink (dotfile managers) stays a symlink: its target is
 * written. The file's mode is kept; a new file gets `newFileMode`.
 */
export async function writeUserFile(
  path: string,
  text: string,
  options: WriteUserFileOptions,
): Promise<void> {
  const target = await resolveLink(path);
  await writeFileAtomic(target, text, { mode: await readFileMode(target) ?? options.newFileMode });
}

/** Removes a file; a missing one is fine. */
export async function removeIfExists(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** Hex SHA-256 of a text: tells whether a user's file is still exactly what we wrote. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
