/** Runs the real CLI (`main.ts`) in a subprocess with a controlled environment. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The entry point, as a path. */
export const MAIN_TS: string = fileURLToPath(new URL("../../main.ts", import.meta.url));

/**
 * The variables a `deno` subprocess needs to find this process's module cache (a temp HOME would
 * otherwise send it to the registry) and its certificates.
 */
export function denoEnv(): Record<string, string> {
  const get = (name: string) => Deno.env.get(name);
  const out: Record<string, string> = {};
  const home = get("HOME") ?? get("USERPROFILE") ?? "";
  const cache = get("DENO_DIR") ??
    (Deno.build.os === "windows"
      ? join(get("LOCALAPPDATA") ?? home, "deno")
      : Deno.build.os === "darwin"
      ? join(home, "Library", "Caches", "deno")
      : join(get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno"));
  out.DENO_DIR = cache;
  for (const name of ["DENO_CERT", "SSL_CERT_FILE", "SSL_CERT_DIR", "SYSTEMROOT"]) {
    const value = get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

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
