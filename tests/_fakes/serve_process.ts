/** `main.ts serve` as a subprocess on port 0, for tests that need the real command. */
import { denoEnv, MAIN_TS } from "./run_cli.ts";

/** How a stopped serve process ended. */
export interface ServeExit {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running `serve` subprocess. */
export interface ServeProcess extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The address line it printed. */
  firstLine: string;
  /** Reads stdout until a line matches `pattern` (throws if the process ends first). */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code and all output. */
  stop(signal?: Deno.Signal): Promise<ServeExit>;
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
  let stdout = "";
  let scanned = 0;
  let ended = false;

  async function readMore(): Promise<void> {
    const { done, value } = await reader.read();
    if (done) ended = true;
    else stdout += value;
  }

  async function waitForLine(pattern: RegExp): Promise<string> {
    for (;;) {
      const lines = stdout.slice(scanned).split("\n");
      for (const line of lines.slice(0, -1)) {
        scanned += line.length + 1;
        if (pattern.test(line)) return line;
      }
      if (ended) {
        throw new Error(`serve ended before printing ${pattern}:\n${stdout}\n${await stderr}`);
      }
      await readMore();
    }
  }

  let stopped: Promise<ServeExit> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") =>
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      while (!ended) await readMore();
      const { code } = await child.status;
      return { code, stdout, stderr: await stderr };
    })();

  let firstLine: string;
  try {
    firstLine = await waitForLine(/listening on http:\/\/127\.0\.0\.1:\d+/);
  } catch (error) {
    const exit = await stop();
    throw new Error(`serve did not start: ${exit.stdout}${exit.stderr}`, { cause: error });
  }
  const url = firstLine.match(/http:\/\/127\.0\.0\.1:\d+/)![0];
  return {
    url,
    port: Number(new URL(url).port),
    firstLine,
    waitForLine,
    stop,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}
