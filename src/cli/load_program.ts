/**
 * The command tree one run needs. `serve` (the long-running proxy) loads its own command group
 * alone, so the proxy process carries no other command's code; any other run loads the whole tree.
 */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";
import { createRootCommand } from "./root_command.ts";

/** A program ready to parse, and the args to give it. */
export interface LoadedProgram {
  program: Command;
  args: string[];
}

/**
 * True when `args` run `serve` itself: its name comes first, or after `--verbose` only (help,
 * version and unknown options before it are the root's business).
 *
 * @example
 * ```ts
 * runsServe(["--verbose", "serve", "--port", "0"]); // true
 * runsServe(["help", "serve"]); // false
 * ```
 */
export function runsServe(args: string[]): boolean {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  return args[at] === "serve" && args.slice(0, at).every((arg) => arg === "--verbose");
}

/** Loads the commands `args` can reach (literal imports, so a compiled binary embeds them). */
export async function loadProgram(ctx: CliContext, args: string[]): Promise<LoadedProgram> {
  if (runsServe(args)) {
    const { registerServeCommands } = await import("./serve_cmd.ts");
    const program = createRootCommand(ctx);
    registerServeCommands(program, ctx);
    return { program, args };
  }
  const { createProgram, expandHelpCommand } = await import("./program.ts");
  const program = createProgram(ctx);
  return { program, args: expandHelpCommand(program, args) };
}
