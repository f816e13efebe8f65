/** `config ...`: manage the configs and upstream pools in config.json. */
import type { Command } from "commander";
import { readConfig } from "../config/store.ts";
import { describeAuth } from "../config/secrets.ts";
import type { CliContext } from "./context.ts";

/** Registers `config` and its subcommands. */
export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command("config").description("manage configs and upstream pools");
  config
    .command("list")
    .description("list configs, the active one, and their upstreams (secrets redacted)")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const { config: cfg } = await readConfig(ctx.paths());
      const section = cfg.codex;
      if (opts.json) {
        ctx.out(JSON.stringify({ active: section.active ?? null, configs: [] }, null, 2));
        return;
      }
      for (const [name, c] of Object.entries(section.configs)) {
        ctx.out(`${name === section.active ? "*" : " "} ${name}`);
        c.upstreams.forEach((u, i) => ctx.out(`    ${i + 1}. ${u.base_url}  ${describeAuth(u)}`));
      }
    });
}
