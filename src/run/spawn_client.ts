/** Runs the client in the foreground: inherited terminal, signals passed on, its exit code back. */

/** Options of {@linkcode spawnClient}. */
export interface SpawnClientOptions {
  args: string[];
  /** Added to (or replacing in) this process's environment. */
  env: Record<string, string>;
  /** Signals passed on to the client (default SIGINT, SIGTERM, SIGHUP; SIGINT alone on Windows). */
  signals?: Deno.Signal[];
  /** Called once the client runs (tests synchronise on it). */
  onSpawn?: (child: Deno.ChildProcess) => void;
}

/** The signals passed on by default. */
export function forwardedSignals(os: typeof Deno.build.os = Deno.build.os): Deno.Signal[] {
  return os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}

/**
 * Spawns `path` and resolves with its exit code (128 + n when a signal ended it). While it runs,
 * SIGINT/SIGTERM/SIGHUP sent to this process go to the client instead of ending this process, so the
 * client decides when to stop. Throws when the program cannot be started.
 */
export async function spawnClient(path: string, options: SpawnClientOptions): Promise<number> {
  const child = new Deno.Command(path, {
    args: options.args,
    env: options.env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const handlers = (options.signals ?? forwardedSignals()).map((signal) => {
    const handler = () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    };
    Deno.addSignalListener(signal, handler);
    return { signal, handler };
  });
  try {
    options.onSpawn?.(child);
    return (await child.status).code;
  } finally {
    // nothing is left to undo on disk: a signal after this ends the process, proxy and all
    for (const { signal, handler } of handlers) Deno.removeSignalListener(signal, handler);
  }
}
