/** `completions` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `completions` command group. */
export function registerCompletionsCommands(_program: Command, _ctx: CliContext): void {
}
