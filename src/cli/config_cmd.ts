/** `config ...`: manage the configs and upstream pools in config.json. */
import type { Command } from "commander";
import {
  addConfig,
  addUpstream,
  removeConfig,
  removeUpstream,
  setActive,
} from "../config/edit_section.ts";
import { importFromCodex } from "../config/import_codex.ts";
import type { HelperConfig, Service, ServiceSection } from "../config/schema.ts";
import { readConfig, updateConfig } from "../config/store.ts";
import { CliError, UsageError } from "../errors.ts";
import type { CliContext } from "./context.ts";
import { formatConfigList, toConfigListJson } from "./format_config_list.ts";
import {
  collect,
  parsePosition,
  parseUpstreamFlags,
  type UpstreamFlags,
} from "./upstream_options.ts";

interface SectionFlag {
  claude?: boolean;
}

const CLAUDE_FLAG = "act on the claude section (Claude Code) instead of codex";
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function serviceOf(opts: SectionFlag): Service {
  return opts.claude ? "claude" : "codex";
}

function sectionOf(config: HelperConfig, service: Service): ServiceSection {
  return config[service];
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(`Invalid config name "${name}"`, {
      hint: "use letters, digits, '.', '_' and '-', starting with a letter or digit",
    });
  }
}

function addAuthOptions(command: Command): Command {
  return command
    .requiredOption("--base-url <url>", "the upstream's base URL, e.g. https://api.example.com/v1")
    .option("--auth-token <token>", "bearer token, stored in config.json (prefer --auth-token-env)")
    .option("--auth-token-env <var>", "environment variable holding the bearer token")
    .option("--api-key <key>", "x-api-key value, stored in config.json (prefer --api-key-env)")
    .option("--api-key-env <var>", "environment variable holding the x-api-key value")
    .option("--tag <k=v>", "a tag on the upstream (repeatable)", collect, [] as string[])
    .option("--claude", CLAUDE_FLAG);
}

function notePlainSecret(ctx: CliContext, plainSecret: boolean): void {
  if (!plainSecret) return;
  ctx.err(
    "note: the secret is stored in plain text in config.json (mode 0600); --auth-token-env VAR / --api-key-env VAR keep it out of the file and your shell history",
  );
}

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
      const section = sectionOf(cfg, label);
      ctx.out(
        opts.json
          ? JSON.stringify(toConfigListJson(section, format), null, 2)
          : formatConfigList(section, format),
      );
    });
}

function registerAdd(config: Command, ctx: CliContext): void {
  addAuthOptions(
    config
      .command("add")
      .description("add a config with one upstream (an existing name is an error)")
      .argument("<name>", "the config's name"),
  )
    .option("--alias <alias>", "a display name")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper config add work --base-url https://api.example.com/v1 --auth-token-env WORK_API_KEY
  codex-helper config add relay --base-url https://relay.example.com/v1 --auth-token-env RELAY_KEY \\
      --alias "Relay" --tag region=eu
  codex-helper config add anthropic --claude --base-url https://api.anthropic.com --api-key-env ANTHROPIC_API_KEY

The first config added becomes the active one.`,
    )
    .action(async (name: string, opts: UpstreamFlags & SectionFlag & { alias?: string }) => {
      checkName(name);
      const { upstream, plainSecret } = parseUpstreamFlags(opts);
      const label = serviceOf(opts);
      const becameActive = await updateConfig(
        ctx.paths(),
        (cfg) =>
          addConfig(sectionOf(cfg, label), { name, upstream }, {
            label,
            ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
          }),
      );
      ctx.out(
        `Added ${label} config "${name}" (${upstream.base_url})${
          becameActive ? "; it is now active" : ""
        }.`,
      );
      notePlainSecret(ctx, plainSecret);
    });
}

function registerAddUpstream(config: Command, ctx: CliContext): void {
  addAuthOptions(
    config
      .command("add-upstream")
      .description("add an upstream to a config's pool (order = priority)")
      .argument("<name>", "the config's name (or alias)"),
  )
    .option("--position <n>", "1-based place in the pool (1 = tried first); default: last")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper config add-upstream work --base-url https://backup.example.com/v1 --auth-token-env BACKUP_KEY
  codex-helper config add-upstream work --base-url https://fast.example.com/v1 --auth-token-env FAST_KEY --position 1`,
    )
    .action(
      async (name: string, opts: UpstreamFlags & SectionFlag & { position?: string }) => {
        const position = parsePosition(opts.position);
        const { upstream, plainSecret } = parseUpstreamFlags(opts);
        const label = serviceOf(opts);
        const at = await updateConfig(
          ctx.paths(),
          (cfg) =>
            addUpstream(sectionOf(cfg, label), { name, upstream }, {
              label,
              ...(position !== undefined ? { position } : {}),
            }),
        );
        ctx.out(`Added ${upstream.base_url} to "${name}" at position ${at}.`);
        notePlainSecret(ctx, plainSecret);
      },
    );
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
        (cfg) => removeConfig(sectionOf(cfg, label), name, { label }),
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
        (cfg) => removeUpstream(sectionOf(cfg, label), { name, which }, { label }),
      );
      ctx.out(`Removed ${removed.base_url} from "${name}".`);
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
        (cfg) => setActive(sectionOf(cfg, label), name, { label }),
      );
      ctx.out(`Active ${label} config: "${found}".`);
    });
}

function registerImport(config: Command, ctx: CliContext): void {
  config
    .command("import-from-codex")
    .description("import Codex's providers and key from config.toml + auth.json (read only)")
    .option("--force", "overwrite configs that already exist")
    .addHelpText(
      "after",
      `
Each [model_providers.*] of ~/.codex/config.toml becomes a config; the current model_provider
(default "openai") becomes active. The token comes from the provider's env_key (kept as a reference
to the variable), else the auth.json field of that name, else the single *_API_KEY of auth.json.
A ChatGPT login becomes a pass-through upstream (nothing secret is copied).

Examples:
  codex-helper config import-from-codex
  codex-helper config import-from-codex --force`,
    )
    .action(async (opts: { force?: boolean }) => {
      const result = await importFromCodex(ctx.paths(), {
        env: ctx.env,
        force: opts.force ?? false,
      });
      for (const w of result.warnings) ctx.err(`warning: ${w}`);
      const mark = (n: string) => (n === result.active ? `${n} (active)` : n);
      if (result.imported.length > 0) {
        ctx.out(`Imported from "${result.source}": ${result.imported.map(mark).join(", ")}`);
      }
      if (result.skipped.length > 0) {
        ctx.out(
          `Skipped, already in config.json (--force overwrites): ${result.skipped.join(", ")}`,
        );
      }
      if (result.imported.length === 0 && result.skipped.length === 0) {
        throw new CliError(`Nothing could be imported from "${result.source}"`, {
          hint: "see the warnings above",
        });
      }
      const blocking = result.unresolved.find((u) => u.config === result.active);
      for (const u of result.unresolved) {
        if (u !== blocking) {
          ctx.err(`warning: config "${u.config}" has no token: ${u.reason}; ${u.fix}`);
        }
      }
      if (blocking) {
        throw new CliError(
          `The active config "${blocking.config}" has no token: ${blocking.reason}`,
          {
            hint: blocking.fix,
          },
        );
      }
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
Add --claude to any subcommand but import-from-codex to act on Claude Code's configs.

Examples:
  codex-helper config import-from-codex
  codex-helper config add work --base-url https://api.example.com/v1 --auth-token-env WORK_API_KEY
  codex-helper config add-upstream work --base-url https://backup.example.com/v1 --auth-token-env BACKUP_KEY
  codex-helper config set-active work
  codex-helper config list`,
    );
  registerList(config, ctx);
  registerAdd(config, ctx);
  registerAddUpstream(config, ctx);
  registerRemovals(config, ctx);
  registerSetActive(config, ctx);
  registerImport(config, ctx);
}
