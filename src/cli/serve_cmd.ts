/** `serve` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `serve` command group. */
export function registerServeCommands(_program: Command, _ctx: CliContext): void {
}
