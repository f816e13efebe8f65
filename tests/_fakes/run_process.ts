/** Helpers for `codex-helper run` end-to-end tests: PATH with the real clients, the proxy's port. */
import { fileURLToPath } from "node:url";
import { denoEnv, MAIN_TS } from "./run_cli.ts";

/** The folder holding the installed `codex` and `claude`. */
export const CLIENT_BIN_DIR: string = fileURLToPath(
  new URL("../../.e2e/node_modules/.bin", import.meta.url),
);

/** PATH with the real clients first (`node`, `sh` and the rest from this process's PATH). */
export function clientPath(): string {
  const sep = Deno.build.os === "windows" ? ";" : ":";
  return `${CLIENT_BIN_DIR}${sep}${Deno.env.get("PATH") ?? ""}`;
}

/** The port of the proxy `run` started, from its stderr line (undefined when it reused one). */
export function startedProxyPort(stderr: string): number | undefined {
  const m = stderr.match(/codex-helper: proxy on http:\/\/127\.0\.0\.1:(\d+)/);
  return m ? Number(m[1]) : undefined;
}

/** True when nothing accepts connections on the loopback port any more. */
export async function isPortClosed(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return true;
    throw error;
  }
}

/** A `main.ts run ...` subprocess, for tests that signal it while it runs. */
export function spawnRun(
  args: string[],
  options: { env: Record<string, string>; cwd: string },
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, "run", ...args],
    env: { PATH: clientPath(), NO_COLOR: "1", ...denoEnv(), ...options.env },
    clearEnv: true,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}
