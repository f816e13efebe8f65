// deno-lint-ignore-file no-console -- the CLI layer owns the terminal
/** What every command gets: paths, the environment and output sinks. */
import { type EnvGetter, type Paths, processEnv, resolvePaths } from "../config/paths.ts";

/** The command's view of the process. Tests and `main.ts` build one. */
export interface CliContext {
  env: EnvGetter;
  /** Resolved lazily: a missing HOME fails only the commands that need a path. */
  paths(): Paths;
  /** The working directory (for `session`), injectable for tests. */
  cwd(): string;
  out(text: string): void;
  err(text: string): void;
}

/** The real context of this process. */
export function createProcessContext(): CliContext {
  let cached: Paths | undefined;
  return {
    env: processEnv,
    paths: () => cached ??= resolvePaths(),
    cwd: () => Deno.cwd(),
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  };
}
