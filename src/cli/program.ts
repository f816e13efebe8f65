/** The command tree. Each command group lives in its own file and registers itself here. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";
import { createRootCommand } from "./root_command.ts";
import { registerConfigCommands } from "./config_cmd.ts";
import { registerServeCommands } from "./serve_cmd.ts";
import { registerSwitchCommands } from "./switch_cmd.ts";
import { registerSessionCommands } from "./session_cmd.ts";
import { registerUsageCommands } from "./usage_cmd.ts";
import { registerStatusCommands } from "./status_cmd.ts";
import { registerDoctorCommands } from "./doctor_cmd.ts";
import { registerCompletionsCommands } from "./completions_cmd.ts";
import { registerRunCommands } from "./run_cmd.ts";

/** Builds the whole command tree for one run. */
export function createProgram(ctx: CliContext): Command {
  const program = createRootCommand(ctx);
  registerConfigCommands(program, ctx);
  registerServeCommands(program, ctx);
  registerRunCommands(program, ctx);
  registerSwitchCommands(program, ctx);
  registerSessionCommands(program, ctx);
  registerUsageCommands(program, ctx);
  registerStatusCommands(program, ctx);
  registerDoctorCommands(program, ctx);
  registerCompletionsCommands(program, ctx);
  return program;
}

/**
 * Turns `help <command> <subcommand> ...` into `<command> <subcommand> ... --help`, so the help of
 * a nested command is shown (commander's own `help` reads only one name). An unknown name is left
 * for commander to report; other args are returned as they are.
 *
 * @example
 * ```ts
 * expandHelpCommand(program, ["help", "config", "add"]); // ["config", "add", "--help"]
 * ```
 */
export function expandHelpCommand(program: Command, args: string[]): string[] {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  if (args[at] !== "help" || program.commands.some((c) => c.name() === "help")) return args;
  const names = args.slice(at + 1);
  if (names.length < 2 || names.some((name) => name.startsWith("-"))) return args;
  let command = program;
  for (const name of names) {
    if (command.commands.length === 0) break;
    const next = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    // not a command: without --help, commander says "unknown command" and suggests one
    if (next === undefined) return [...args.slice(0, at), ...names];
    command = next;
  }
  return [...args.slice(0, at), ...names, "--help"];
}
