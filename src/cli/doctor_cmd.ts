/** `doctor [--json]`: check the Codex and Claude Code setup and say what to fix. */
import type { Command } from "commander";
import { CliError } from "../errors.ts";
import { summarizeChecks } from "../doctor/check.ts";
import { formatChecksJson, formatChecksText } from "../doctor/format_checks.ts";
import { runDoctor } from "../doctor/run_doctor.ts";
import type { CliContext } from "./context.ts";

/** Registers the `doctor` command. */
export function registerDoctorCommands(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description("check config files, keys, ports and folders of Codex and Claude Code")
    .option("--json", `machine-readable: {"checks": [{id, status, message, hint}], "summary"}`)
    .addHelpText(
      "after",
      `
Each check is ok, warn or fail and says what to do. The exit code is 1 when any check fails
(warnings alone exit 0). Reads files only; never starts a program or changes a file.

Examples:
  codex-helper doctor
  codex-helper doctor --json | jq '.checks[] | select(.status != "ok")'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const checks = await runDoctor(ctx.paths(), { env: ctx.env, project: ctx.cwd() });
      if (opts.json) ctx.out(formatChecksJson(checks));
      else for (const line of formatChecksText(checks)) ctx.out(line);
      const { fail } = summarizeChecks(checks);
      if (fail > 0) {
        throw new CliError(`doctor found ${fail} failing check(s)`, {
          hint: "fix the items marked FAIL and run doctor again",
        });
      }
    });
}
