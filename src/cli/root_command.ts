/** The root of the command tree, which every command group registers itself on. */
import { Command } from "commander";
import { VERSION } from "../version.ts";
import type { CliContext } from "./context.ts";
import { privateProxyHome } from "./private_proxy_home.ts";
import { redactCredentials } from "./redact_args.ts";

/** The program itself (name, global options, help text), without any command group. */
export function createRootCommand(ctx: CliContext): Command {
  const program = new Command("codex-helper")
    .description(
      "A local helper and streaming proxy for the Codex CLI (and, experimentally, Claude Code): a " +
        "pool of upstreams with failover, redaction, a request log, and safe config switching.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("--verbose", "print stack traces and extra detail")
    // set before the groups register, so every subcommand inherits it: main.ts maps the exit code
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, "")),
      writeErr: (s) => ctx.err(s.replace(/\n$/, "")),
      // one line: "error: unknown option '--x'; run with --help for usage"
      outputError: (s, write) =>
        write(
          `${
            redactCredentials(s.trim()).replace(/\s*\n\s*/g, " ").replace(/\.$/, "")
          }; run with --help for usage\n`,
        ),
    })
    .addHelpText(
      "after",
      `
Examples:
  codex-helper serve --switch             run the proxy; Codex uses it until the proxy stops
  codex-helper switch-on                  point Codex at the proxy (switch-off undoes it)
  codex-helper config import-from-codex   import your current Codex provider and key
  codex-helper config list                show configs and upstreams (secrets redacted)
  codex-helper session last               the session to resume in this project
  codex-helper usage summary --since 7d   where your tokens went
  codex-helper doctor                     what is wrong with this setup, and how to fix it

--claude (serve, run, switch-on, switch-off and config list, add, add-upstream, remove,
remove-upstream, set-active) acts on Claude Code instead of Codex; status and doctor cover both
clients.

Files: ~/.codex-proxy (config.json, filter.json, usage_providers.json, logs/), ~/.codex/config.toml,
~/.claude/settings.json (CODEX_PROXY_HOME, CODEX_HOME and CLAUDE_CONFIG_DIR move them).`,
    );
  // an existing ~/.codex-proxy open to other users is made private before a command uses it
  program.hook("preAction", (_program, action) => privateProxyHome(ctx, action));
  return program;
}
