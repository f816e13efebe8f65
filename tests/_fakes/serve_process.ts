/** `main.ts serve` as a subprocess on port 0, for tests that need the real command. */
import { denoEnv, MAIN_TS } from "./run_cli.ts";

/** A running `serve` subprocess. */
export interface ServeProcess extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The address line it printed. */
  firstLine: string;
  /** Sends SIGTERM and resolves with the exit code and everything printed to stderr. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/** Options of {@linkcode spawnServe}. */
export interface SpawnServeOptions {
  /** The whole environment besides PATH and Deno's own (a temp home's `env` and the keys). */
  env: Record<string, string>;
}

/** Starts `main.ts serve --port 0 ...args` and resolves once it printed its address. */
export async function spawnServe(
  args: string[],
  options: SpawnServeOptions,
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, "serve", "--port", "0", ...args],
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1", ...denoEnv(), ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    out += value;
  }
  let stopped: Promise<{ code: number; stderr: string }> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const { code } = await child.status;
      await reader.cancel();
      return { code, stderr: await stderr };
    })();
  const url = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  if (url === undefined) {
    const { stderr } = await stop();
    throw new Error(`serve did not start: ${out}${stderr}`);
  }
  return {
    url,
    firstLine: out,
    stop,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}
