/** Writing a user's own file (config.toml, settings.json) without changing what it is. */
import { CliError } from "../errors.ts";
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

/** A user's file that has no write permission: codex-helper does not replace it behind its back. */
export class ReadOnlyFileError extends CliError {
  constructor(file: string) {
    super(`"${file}" is read-only; codex-helper does not rewrite a read-only file`, {
      hint: `make it writable (chmod u+w "${file}") and run the command again; nothing was changed`,
    });
    this.name = "ReadOnlyFileError";
  }
}

/**
 * Throws {@linkcode ReadOnlyFileError} when the file (or a symlink's target) exists without the
 * owner's write bit. A missing file is fine. Windows has no mode bits: nothing is checked there.
 */
export async function assertWritable(path: string): Promise<void> {
  const mode = await readFileMode(path);
  if (mode !== undefined && (mode & 0o200) === 0) throw new ReadOnlyFileError(path);
}

/** The file a symlink points at (following every link); `path` itself when it does not exist. */
export async function resolveLink(path: string): Promise<string> {
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
 * written. The file's mode is kept; a new file gets `newFileMode`. A read-only file is refused
 * ({@linkcode ReadOnlyFileError}).
 */
export async function writeUserFile(
  path: string,
  text: string,
  options: WriteUserFileOptions,
): Promise<void> {
  const target = await resolveLink(path);
  await assertWritable(target);
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
