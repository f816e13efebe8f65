/** Runs the real CLI (`main.ts`) in a subprocess with a controlled environment. */
import { fileURLToPath } from "node:url";

/** The entry point, as a path. */
export const MAIN_TS: string = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** The whole environment besides PATH (nothing else leaks in from the test process). */
  env: Record<string, string>;
  cwd?: string;
  stdin?: string;
}

let cachedDenoDir: string | undefined;

/**
 * Deno's cache folder of this process. Passed on explicitly: with HOME pointing at a temp folder
 * the child would otherwise look for its npm packages in an empty cache.
 */
export function denoDir(): string {
  if (cachedDenoDir !== undefined) return cachedDenoDir;
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return cachedDenoDir = fromEnv;
  const out = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" })
    .outputSync();
  return cachedDenoDir = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
}

/**
 * Variables a Windows process needs to work at all (sockets fail without SystemRoot); nothing
 * elsewhere. Tests add them to a cleared environment.
 */
export function windowsBaseEnv(): Record<string, string> {
  if (Deno.build.os !== "windows") return {};
  const env: Record<string, string> = {};
  for (const name of ["SystemRoot", "TEMP", "TMP"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Everything a `deno` subprocess with a cleared environment needs: the module cache of this
 * process (a temp HOME would otherwise send it to the registry), certificates, Windows basics.
 */
export function denoEnv(): Record<string, string> {
  const env: Record<string, string> = { ...windowsBaseEnv(), DENO_DIR: denoDir() };
  for (const name of ["DENO_CERT", "SSL_CERT_FILE", "SSL_CERT_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Runs `deno run -A main.ts ...args` and collects its output. */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, ...args],
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1", ...denoEnv(), ...options.env },
    clearEnv: true,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
