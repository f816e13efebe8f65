/** `config add` and `config add-upstream`: a new config, or one more upstream in a pool. */
import type { Command } from "commander";
import { addConfig, addUpstream } from "../config/edit_section.ts";
import { updateConfig } from "../config/store.ts";
import { UsageError } from "../errors.ts";
import type { CliContext } from "./context.ts";
import { CLAUDE_FLAG, type SectionFlag, serviceOf } from "./section_flag.ts";
import {
  collect,
  parsePosition,
  parseUpstreamFlags,
  type UpstreamFlags,
} from "./upstream_options.ts";
import { redactUrl } from "../config/redact_url.ts";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

/** Registers `config add`. */
export function registerAdd(config: Command, ctx: CliContext): void {
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
          addConfig(cfg[label], { name, upstream }, {
            label,
            ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
          }),
      );
      ctx.out(
        `Added ${label} config "${name}" (${redactUrl(upstream.base_url)})${
          becameActive ? "; it is now active" : ""
        }.`,
      );
      notePlainSecret(ctx, plainSecret);
    });
}

/** Registers `config add-upstream`. */
export function registerAddUpstream(config: Command, ctx: CliContext): void {
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
            addUpstream(cfg[label], { name, upstream }, {
              label,
              ...(position !== undefined ? { position } : {}),
            }),
        );
        ctx.out(`Added ${redactUrl(upstream.base_url)} to "${name}" at position ${at}.`);
        notePlainSecret(ctx, plainSecret);
      },
    );
}
