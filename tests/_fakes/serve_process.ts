/** `main.ts serve` as a subprocess: waits for its lines, stops it with a signal. */
import { denoEnv, MAIN_TS } from "./run_cli.ts";

/** How a stopped serve process ended. */
export interface ServeExit {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running `serve` subprocess. */
export interface ServeProcess extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` from the listening line. */
  url: string;
  port: number;
  /** Reads stdout until a line matches `pattern` (throws if the process ends first). */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: Deno.Signal): Promise<ServeExit>;
}

/** Options of {@linkcode startServe}. */
export interface StartServeOptions {
  /** The whole environment besides PATH and Deno's own (e.g. a temp home's `env`). */
  env: Record<string, string>;
}

/** Starts `serve ...args` and resolves once it printed its listening line. */
export async function startServe(
  args: string[],
  options: StartServeOptions,
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN_TS, "serve", ...args],
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

  async function waitForLine(pattern: RegExp): Promise<string> {
    for (;;) {
      const lines = stdout.slice(scanned).split("\n");
      const complete = lines.slice(0, -1);
      for (const line of complete) {
        scanned += line.length + 1;
        if (pattern.test(line)) return line;
      }
      if (ended) {
        throw new Error(`serve ended before printing ${pattern}:\n${stdout}\n${await stderr}`);
      }
      const { done, value } = await reader.read();
      if (done) ended = true;
      else stdout += value;
    }
  }

  let exit: Promise<ServeExit> | undefined;
  function stop(signal: Deno.Signal = "SIGTERM"): Promise<ServeExit> {
    return exit ??= (async () => {
      try {
        child.kill(signal);
      } catch {
        // already ended
      }
      while (!ended) {
        const { done, value } = await reader.read();
        if (done) ended = true;
        else stdout += value;
      }
      const { code } = await child.status;
      return { code, stdout, stderr: await stderr };
    })();
  }

  const first = await waitForLine(/listening on http:\/\/127\.0\.0\.1:\d+/).catch(async (e) => {
    await stop();
    throw e;
  });
  const url = first.match(/http:\/\/127\.0\.0\.1:\d+/)![0];
  return {
    url,
    port: Number(new URL(url).port),
    waitForLine,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
