/** `session` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `session` command group. */
export function registerSessionCommands(_program: Command, _ctx: CliContext): void {
}
