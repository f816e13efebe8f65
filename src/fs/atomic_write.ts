/** Atomic file replacement: a reader sees the old file or the new one, never a mix. */
import { basename, dirname, join } from "node:path";
import { renameWithRetry } from "./rename_with_retry.ts";
import { toFileAccessError } from "./file_access_error.ts";
import { decodeUtf8Text } from "./utf8_text.ts";

/** Options of {@linkcode writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode on POSIX systems (ignored on Windows). Defaults to 0o600. */
  mode?: number;
}

/**
 * Writes `data` to a temp file in the same folder, fsyncs it, then renames it over `path`.
 * Creates the folder when missing.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const isWindows = Deno.build.os === "windows";
  try {
    const file = await Deno.open(tmp, {
      write: true,
      createNew: true,
      ...(isWindows ? {} : { mode }),
    });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    if (!isWindows) await Deno.chmod(tmp, mode);
    await renameWithRetry(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/**
 * Reads a UTF-8 text file, or returns `undefined` when it does not exist. Any other failure (a
 * folder in its place, no permission, bytes that are not UTF-8) throws a `CliError` naming the file.
 */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw toFileAccessError(error, path);
  }
  return decodeUtf8Text(bytes, path);
}
