/** `status [--json]`: what codex-helper is set up to do and what its proxies are doing. */
import type { Command } from "commander";
import { collectStatus } from "../status/collect_status.ts";
import { formatStatusText } from "../status/format_status.ts";
import type { CliContext } from "./context.ts";

/** Registers the `status` command. */
export function registerStatusCommands(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("version, paths, active configs, switches, running proxies and the request log")
    .option("--json", "machine-readable output (never contains a secret)")
    .addHelpText(
      "after",
      `
Covers Codex and Claude Code: whether each is switched on and to which port, whether a
codex-helper answers there (its upstreams' breaker, cooldown, quota and counters), the active
config's upstreams (keys redacted, environment variables by name) and the request log's size.

Examples:
  codex-helper status
  codex-helper status --json | jq '.codex.proxy.live.upstreams'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const report = await collectStatus(ctx.paths());
      if (opts.json) ctx.out(JSON.stringify(report, null, 2));
      else for (const line of formatStatusText(report)) ctx.out(line);
    });
}
