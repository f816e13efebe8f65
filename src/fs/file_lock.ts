/** A cross-process lock made of an exclusively created lock file. */

/** The lock could not be taken in time. */
export class LockTimeoutError extends Error {
  constructor(lockPath: string) {
    super(
      `Another codex-helper is editing the same file (lock "${lockPath}"); try again, or delete the lock file if no codex-helper is running`,
    );
    this.name = "LockTimeoutError";
  }
}

/** Options of {@linkcode withFileLock}. */
export interface WithFileLockOptions {
  /** How long to wait for the lock. Defaults to 10 s. */
  timeoutMs?: number;
  /** A lock file older than this is taken over (its holder died). Defaults to 30 s. */
  staleMs?: number;
}

/** Runs `fn` while holding `<path>.lock`. */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: WithFileLockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  while (true) {
    try {
      const file = await Deno.open(lockPath, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      file.close();
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (await isStale(lockPath, staleMs)) {
        await Deno.remove(lockPath).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(lockPath);
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lockPath).catch(() => {});
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = await Deno.stat(lockPath);
    return info.mtime !== null && Date.now() - info.mtime.getTime() > staleMs;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
