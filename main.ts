/** codex-helper entry point: the only place that exits the process. */
import { CommanderError } from "commander";
import { createProcessContext } from "./src/cli/context.ts";
import { loadProgram } from "./src/cli/load_program.ts";
import { CliError, UsageError } from "./src/errors.ts";
import { formatPermissionError } from "./src/cli/permission_error.ts";
import { ChildExit } from "./src/cli/child_exit.ts";
import { fileSystemErrorHint } from "./src/cli/file_system_error.ts";
import { redactCredentials } from "./src/cli/redact_args.ts";
import { escapeLines } from "./src/cli/escaped_context.ts";

/** The stack frames of `error`, without the message line(s) already printed. */
function stackFrames(error: Error): string | undefined {
  const stack = error.stack;
  if (!stack) return undefined;
  const head = `${error.name}: ${error.message}`;
  const frames = stack.startsWith(head) ? stack.slice(head.length).replace(/^\n/, "") : stack;
  return frames === "" ? undefined : frames;
}

/** Runs the CLI with `args` (without the program name) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const processCtx = createProcessContext();
  // no credential typed on the command line is echoed back by an error, and no control character
  // from a file or an argument reaches the terminal raw (stderr carries no JSON or --raw output)
  const ctx = {
    ...processCtx,
    err: (text: string) => processCtx.err(escapeLines(redactCredentials(text))),
  };
  const verbose = args.includes("--verbose");
  const loaded = await loadProgram(ctx, args);
  loaded.program.exitOverride();
  try {
    await loaded.program.parseAsync(loaded.args, { from: "user" });
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
      const frames = verbose ? stackFrames(error) : undefined;
      if (frames) ctx.err(frames);
      return error instanceof UsageError ? 2 : 1;
    }
    if (error instanceof Deno.errors.NotCapable) {
      ctx.err(formatPermissionError(error));
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = fileSystemErrorHint(error);
    ctx.err(`error: ${message}${hint ? `; ${hint}` : ""}`);
    const frames = verbose && error instanceof Error ? stackFrames(error) : undefined;
    if (frames) ctx.err(frames);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
