/** `switch` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `switch` command group. */
export function registerSwitchCommands(_program: Command, _ctx: CliContext): void {
}
