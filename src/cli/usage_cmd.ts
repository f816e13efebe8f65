/** `usage` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `usage` command group. */
export function registerUsageCommands(_program: Command, _ctx: CliContext): void {
}
