/** A throwaway HOME for tests, removed on dispose. */
import { join } from "node:path";
import { type Paths, resolvePaths } from "../../src/config/paths.ts";

/** A temp HOME with the env variables codex-helper reads. */
export interface TempHome extends AsyncDisposable {
  dir: string;
  /** Environment for subprocesses and for `EnvGetter`s (HOME set, CODEX_* unset). */
  env: Record<string, string>;
  paths: Paths;
  getEnv(name: string): string | undefined;
  /** Writes a file under the home (creating folders). */
  write(relative: string, text: string): Promise<string>;
}

/** Creates a temp HOME; use with `await using`. */
export async function createTempHome(extraEnv: Record<string, string> = {}): Promise<TempHome> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-test-" });
  const env: Record<string, string> = { HOME: dir, USERPROFILE: dir, ...extraEnv };
  const getEnv = (name: string) => env[name];
  const paths = resolvePaths({ env: getEnv });
  return {
    dir,
    env,
    paths,
    getEnv,
    async write(relative, text) {
      const path = join(dir, relative);
      // private, as codex-helper makes its own folder (an open one gets a note on stderr)
      await Deno.mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(path, text);
      return path;
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether anything (a dangling link too) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
