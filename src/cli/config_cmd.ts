/** `config ...`: manage the configs and upstream pools in config.json. */
import type { Command } from "commander";
import { removeConfig, removeUpstream, setActive } from "../config/edit_section.ts";
import { readConfig, updateConfig } from "../config/store.ts";
import { registerAdd, registerAddUpstream } from "./config_add_cmd.ts";
import { registerImport } from "./config_import_cmd.ts";
import type { CliContext } from "./context.ts";
import { formatConfigList, toConfigListJson } from "./format_config_list.ts";
import { CLAUDE_FLAG, type SectionFlag, serviceOf } from "./section_flag.ts";
import { redactUrl } from "../config/redact_url.ts";
import { escapedContext } from "./escaped_context.ts";

function registerList(config: Command, ctx: CliContext): void {
  config
    .command("list")
    .description("list configs, the active one, and their upstreams (secrets redacted)")
    .option("--json", "machine-readable output (never contains a secret)")
    .option("--claude", CLAUDE_FLAG)
    .addHelpText(
      "after",
      `
Examples:
  codex-helper config list
  codex-helper config list --json
  codex-helper config list --claude`,
    )
    .action(async (opts: SectionFlag & { json?: boolean }) => {
      const paths = ctx.paths();
      const { config: cfg } = await readConfig(paths);
      const label = serviceOf(opts);
      const format = { label, file: paths.configJson, env: ctx.env };
      const section = cfg[label];
      ctx.out(
        opts.json
          ? JSON.stringify(toConfigListJson(section, format), null, 2)
          : formatConfigList(section, format),
      );
    });
}

function registerRemovals(config: Command, ctx: CliContext): void {
  config
    .command("remove")
    .description("remove a config")
    .argument("<name>", "the config's name (or alias)")
    .option("--claude", CLAUDE_FLAG)
    .addHelpText("after", `\nExamples:\n  codex-helper config remove old-relay`)
    .action(async (name: string, opts: SectionFlag) => {
      const label = serviceOf(opts);
      const wasActive = await updateConfig(
        ctx.paths(),
        (cfg) => removeConfig(cfg[label], name, { label }),
      );
      ctx.out(`Removed ${label} config "${name}".`);
      if (wasActive) {
        ctx.err(
          `note: "${name}" was the active config; choose another with: codex-helper config set-active NAME`,
        );
      }
    });
  config
    .command("remove-upstream")
    .description("remove one upstream from a config's pool, by position or base_url")
    .argument("<name>", "the config's name (or alias)")
    .argument("<index-or-url>", "1-based position as config list shows it, or the base_url")
    .option("--claude", CLAUDE_FLAG)
    .addHelpText(
      "after",
      `
Examples:
  codex-helper config remove-upstream work 2
  codex-helper config remove-upstream work https://backup.example.com/v1`,
    )
    .action(async (name: string, which: string, opts: SectionFlag) => {
      const label = serviceOf(opts);
      const removed = await updateConfig(
        ctx.paths(),
        (cfg) => removeUpstream(cfg[label], { name, which }, { label }),
      );
      ctx.out(`Removed ${redactUrl(removed.base_url)} from "${name}".`);
    });
}

function registerSetActive(config: Command, ctx: CliContext): void {
  config
    .command("set-active")
    .description("choose the config the proxy uses (takes effect without a restart)")
    .argument("<name>", "the config's name (or alias)")
    .option("--claude", CLAUDE_FLAG)
    .addHelpText("after", `\nExamples:\n  codex-helper config set-active work`)
    .action(async (name: string, opts: SectionFlag) => {
      const label = serviceOf(opts);
      const found = await updateConfig(
        ctx.paths(),
        (cfg) => setActive(cfg[label], name, { label }),
      );
      ctx.out(`Active ${label} config: "${found}".`);
    });
}

/** Registers `config` and its subcommands. */
export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program
    .command("config")
    .description("manage configs and upstream pools (~/.codex-proxy/config.json)")
    .addHelpText(
      "after",
      `
--claude (list, add, add-upstream, remove, remove-upstream, set-active) acts on Claude Code's
configs; import-from-claude always writes there, import-from-codex to the codex section.

Examples:
  codex-helper config import-from-codex
  codex-helper config add work --base-url https://api.example.com/v1 --auth-token-env WORK_API_KEY
  codex-helper config add-upstream work --base-url https://backup.example.com/v1 --auth-token-env BACKUP_KEY
  codex-helper config set-active work
  codex-helper config list`,
    );
  registerList(config, ctx); // its text escapes itself; --json stays exact
  const text = escapedContext(ctx); // names imported from Codex or Claude Code print escaped
  registerAdd(config, text);
  registerAddUpstream(config, text);
  registerRemovals(config, text);
  registerSetActive(config, text);
  registerImport(config, text);
}
