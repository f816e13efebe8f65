/** Helpers for `codex-helper run` end-to-end tests: PATH with the real clients, the proxy's port. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { closedPort } from "./ports.ts";
import { type CliResult, denoEnv, MAIN_TS, runCli } from "./run_cli.ts";

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

/** Options of {@linkcode runRunCommand}. */
export interface RunRunCommandOptions {
  /** The whole environment besides Deno's own (PATH with the clients, the temp home's, keys). */
  env: Record<string, string>;
  cwd: string;
  /** Keep the lookup on the switched-on port instead of a closed one. */
  switched?: boolean;
}

/**
 * `main.ts run ...args`; without `--port` it looks on a closed port, so a codex-helper someone runs
 * on the default port of this machine is never reused (`switched` keeps the switched port's lookup).
 */
export function runRunCommand(args: string[], options: RunRunCommandOptions): Promise<CliResult> {
  const port = args.includes("--port") || options.switched ? [] : ["--port", String(closedPort())];
  return runCli(["run", ...port, ...args], { env: options.env, cwd: options.cwd });
}

/** The proxy `run` started has stopped: its port is closed. */
export async function assertProxyGone(r: CliResult): Promise<void> {
  const port = startedProxyPort(r.stderr);
  assert.ok(port !== undefined, `no proxy line in:\n${r.stderr}`);
  assert.equal(await isPortClosed(port), true, `port ${port} still open`);
}
