/** A CLI context for tests that only build the command tree: no environment, no paths, no output. */
import type { CliContext } from "../../src/cli/context.ts";

/** A context whose `paths()` throws: for building and inspecting the program, not running it. */
export function bareContext(): CliContext {
  return {
    env: () => undefined,
    paths: () => {
      throw new Error("no paths when only the command tree is built");
    },
    cwd: () => "/",
    out: () => {},
    err: () => {},
  };
}
