/** `doctor` commands. Registered only once they work. */
import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Registers the `doctor` command group. */
export function registerDoctorCommands(_program: Command, _ctx: CliContext): void {
}
