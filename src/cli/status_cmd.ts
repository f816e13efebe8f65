/** `status` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `status` command group. */
export function registerStatusCommands(_program: Command, _ctx: CliContext): void {
}
