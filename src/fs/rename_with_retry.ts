/** Renaming over a file, retried while Windows holds the target open for a moment. */

/** Options of {@linkcode renameWithRetry}. */
export interface RenameWithRetryOptions {
  /** Defaults to `Deno.rename`. */
  rename?: (from: string, to: string) => Promise<void>;
  /** Defaults to the running OS; only Windows retries. */
  os?: typeof Deno.build.os;
  /** Tries in all. Defaults to 8 (about 2 s of waiting at most). */
  attempts?: number;
  /** Waits between tries; defaults to a timer. */
  wait?: (ms: number) => Promise<void>;
}

/**
 * Renames `from` over `to`. On Windows a target that another process (an editor, an indexer,
 * an antivirus scan, the client reading its config) has open refuses the rename with "access
 * denied" for a short while: that case is retried with a growing delay. Other errors, and every
 * error elsewhere, are thrown at once.
 */
export async function renameWithRetry(
  from: string,
  to: string,
  options: RenameWithRetryOptions = {},
): Promise<void> {
  const rename = options.rename ?? Deno.rename;
  const os = options.os ?? Deno.build.os;
  const attempts = os === "windows" ? options.attempts ?? 8 : 1;
  const wait = options.wait ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 1;; attempt++) {
    try {
      return await rename(from, to);
    } catch (error) {
      const transient = error instanceof Deno.errors.PermissionDenied ||
        error instanceof Deno.errors.Busy;
      if (!transient || attempt >= attempts) throw error;
      await wait(Math.min(25 * 2 ** (attempt - 1), 500));
    }
  }
}
