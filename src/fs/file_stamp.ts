/** A cheap change marker for a file: watchers compare it instead of re-reading the file. */

/**
 * `mtime:size:inode` of `path`, or "missing" when it does not exist. Any edit, replacement or
 * removal changes it; other errors (permissions) are thrown.
 */
export async function readFileStamp(path: string): Promise<string> {
  try {
    const s = await Deno.stat(path);
    return `${s.mtime?.getTime()}:${s.size}:${s.ino ?? ""}`;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw error;
  }
}
