/** The command tree. Each command group lives in its own file and registers itself here. */
import { Command } from "commander";
import { VERSION } from "../version.ts";
import type { CliContext } from "./context.ts";
import { redactCredentials } from "./redact_args.ts";
import { registerConfigCommands } from "./config_cmd.ts";
import { registerServeCommands } from "./serve_cmd.ts";
import { registerSwitchCommands } from "./switch_cmd.ts";
import { registerSessionCommands } from "./session_cmd.ts";
import { registerUsageCommands } from "./usage_cmd.ts";
import { registerStatusCommands } from "./status_cmd.ts";
import { registerDoctorCommands } from "./doctor_cmd.ts";
import { registerCompletionsCommands } from "./completions_cmd.ts";
import { registerRunCommands } from "./run_cmd.ts";

/** Builds the whole command tree for one run. */
export function createProgram(ctx: CliContext): Command {
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
  registerConfigCommands(program, ctx);
  registerServeCommands(program, ctx);
  registerRunCommands(program, ctx);
  registerSwitchCommands(program, ctx);
  registerSessionCommands(program, ctx);
  registerUsageCommands(program, ctx);
  registerStatusCommands(program, ctx);
  registerDoctorCommands(program, ctx);
  registerCompletionsCommands(program, ctx);
  return program;
}

/**
 * Turns `help <command> <subcommand> ...` into `<command> <subcommand> ... --help`, so the help of
 * a nested command is shown (commander's own `help` reads only one name). An unknown name is left
 * for commander to report; other args are returned as they are.
 *
 * @example
 * ```ts
 * expandHelpCommand(program, ["help", "config", "add"]); // ["config", "add", "--help"]
 * ```
 */
export function expandHelpCommand(program: Command, args: string[]): string[] {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  if (args[at] !== "help" || program.commands.some((c) => c.name() === "help")) return args;
  const names = args.slice(at + 1);
  if (names.length < 2 || names.some((name) => name.startsWith("-"))) return args;
  let command = program;
  for (const name of names) {
    if (command.commands.length === 0) break;
    const next = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    // not a command: without --help, commander says "unknown command" and suggests one
    if (next === undefined) return [...args.slice(0, at), ...names];
    command = next;
  }
  return [...args.slice(0, at), ...names, "--help"];
}
