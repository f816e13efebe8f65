/** codex-helper entry point: the only place that exits the process. */
import { CommanderError } from "commander";
import { createProcessContext } from "./src/cli/context.ts";
import { createProgram } from "./src/cli/program.ts";
import { CliError, UsageError } from "./src/errors.ts";
import { formatPermissionError } from "./src/cli/permission_error.ts";
import { ChildExit } from "./src/cli/child_exit.ts";
import { fileSystemErrorHint } from "./src/cli/file_system_error.ts";

/** Runs the CLI with `args` (without the program name) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const ctx = createProcessContext();
  const verbose = args.includes("--verbose");
  const program = createProgram(ctx);
  program.exitOverride();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof ChildExit) return error.code;
    if (error instanceof CommanderError) {
      // help and version are "errors" in commander's exitOverride model
      if (error.exitCode === 0) return 0;
      return 2;
    }
    if (error instanceof CliError) {
      ctx.err(`error: ${error.message}${error.hint ? `; ${error.hint}` : ""}`);
      if (verbose && error.stack) ctx.err(error.stack);
      return error instanceof UsageError ? 2 : 1;
    }
    if (error instanceof Deno.errors.NotCapable) {
      ctx.err(formatPermissionError(error));
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = fileSystemErrorHint(error);
    ctx.err(`error: ${message}${hint ? `; ${hint}` : ""}`);
    if (verbose && error instanceof Error && error.stack) ctx.err(error.stack);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
