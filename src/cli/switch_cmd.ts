/** `switch-on` / `switch-off`: point Codex's config.toml at codex-helper and back. */
import type { Command } from "commander";
import { CliError } from "../errors.ts";
import { detectStaleSwitch } from "../codex/stale_switch.ts";
import { DEFAULT_SWITCH_PORT, switchOff, switchOn } from "../codex/switch.ts";
import { reportPinnedSessions } from "./pinned_sessions_note.ts";
import { DEFAULT_CLAUDE_PORT } from "../claude/switch.ts";
import { readConfig } from "../config/store.ts";
import type { CliContext } from "./context.ts";
import { reportProxyPresence } from "./proxy_presence.ts";
import { runClaudeSwitchOff, runClaudeSwitchOn } from "./switch_claude.ts";
import { parsePortOption as parsePort } from "./number_options.ts";
import { escapedContext } from "./escaped_context.ts";

async function runSwitchOn(ctx: CliContext, port: number): Promise<void> {
  const paths = ctx.paths();
  const stale = await detectStaleSwitch(paths);
  if (stale !== undefined && stale.port !== port) {
    ctx.err(`note: ${stale.message}; switching to port ${port} now`);
  }
  const result = await switchOn(paths, { port, env: ctx.env });
  if (result.status === "unchanged") {
    ctx.out(`Codex already points at codex-helper on port ${port} ("${result.configPath}")`);
  } else if (result.status === "updated") {
    ctx.out(
      `Codex now points at codex-helper on port ${port} (was ${result.previousPort}) ("${result.configPath}")`,
    );
  } else {
    ctx.out(`Codex now points at codex-helper on port ${port} ("${result.configPath}")`);
    if (result.createdFile) ctx.out(`Created "${result.configPath}" (it did not exist)`);
  }
  if (result.backupPath !== undefined) ctx.out(`Backup: "${result.backupPath}"`);
  if (result.requiresOpenaiAuth) {
    ctx.out("ChatGPT login detected: Codex keeps sending its login token (requires_openai_auth)");
  }
  for (const warning of result.warnings) ctx.err(`warning: ${warning}`);
  await reportPinnedSessions(ctx, "codex_proxy");
  await reportProxyPresence(ctx, port, `codex-helper serve --port ${port}`);
  ctx.out(`Undo with: codex-helper switch-off`);
}

async function runSwitchOff(ctx: CliContext): Promise<void> {
  const result = await switchOff(ctx.paths());
  for (const note of result.notes) ctx.err(`note: ${note}`);
  if (result.status === "not-switched") {
    ctx.out(`Codex is not switched to codex-helper ("${result.configPath}"); nothing to do`);
  } else if (result.status === "restored-backup") {
    ctx.out(
      `No switch record found; restored model_provider and codex_proxy in "${result.configPath}" from its backup "${result.configPath}.codex-proxy-backup" (every other line kept)`,
    );
    if (result.savedCopy !== undefined) ctx.out(`The file as it was: "${result.savedCopy}"`);
  } else if (result.status === "no-record") {
    throw new CliError(
      `Cannot switch off "${result.configPath}": it points at codex_proxy, but there is no switch record and no backup`,
      { hint: `edit model_provider in the file by hand; nothing was changed` },
    );
  } else if (result.removedFile) {
    ctx.out(`Removed "${result.configPath}" (switch-on had created it)`);
  } else {
    ctx.out(`Restored "${result.configPath}"; Codex no longer uses codex-helper`);
  }
}

/** Registers `switch-on` and `switch-off`. */
export function registerSwitchCommands(program: Command, rawCtx: CliContext): void {
  const ctx = escapedContext(rawCtx); // names and paths from files print escaped
  program
    .command("switch-on")
    .description("point Codex (config.toml) at a codex-helper on this machine")
    .option(
      "--port <port>",
      `the port codex-helper serves on (default ${DEFAULT_SWITCH_PORT}, ${DEFAULT_CLAUDE_PORT} with --claude)`,
    )
    .option("--claude", "switch Claude Code (settings.json) instead of Codex (experimental)")
    .addHelpText(
      "after",
      `
Sets model_provider = "codex_proxy" and [model_providers.codex_proxy] in $CODEX_HOME/config.toml
(default ~/.codex). Every other byte of the file is kept; the first switch backs it up to
config.toml.codex-proxy-backup. Running it again is harmless; another --port only changes the port.

Examples:
  codex-helper switch-on                 use port ${DEFAULT_SWITCH_PORT}
  codex-helper switch-on --port 4000     use port 4000 (or move an existing switch to it)
  codex-helper switch-on --claude        point Claude Code's ANTHROPIC_BASE_URL at port ${DEFAULT_CLAUDE_PORT}`,
    )
    .action(async (opts: { port?: string; claude?: boolean }) => {
      const fallback = opts.claude ? DEFAULT_CLAUDE_PORT : DEFAULT_SWITCH_PORT;
      const port = parsePort(opts.port ?? String(fallback));
      await readConfig(ctx.paths()); // a broken config.json fails before anything is written
      if (opts.claude) await runClaudeSwitchOn(ctx, port);
      else await runSwitchOn(ctx, port);
    });
  program
    .command("switch-off")
    .description("undo switch-on: restore Codex's previous model_provider and codex_proxy")
    .option("--claude", "switch Claude Code (settings.json) back instead of Codex")
    .addHelpText(
      "after",
      `
Restores only what switch-on changed; edits made to config.toml since then are kept.
Without a switch record, model_provider and the codex_proxy provider get their values from the
backup config.toml.codex-proxy-backup; every other line stays, and the file is first copied to
config.toml.before-switch-off. --claude does the same for ANTHROPIC_BASE_URL in settings.json.

Examples:
  codex-helper switch-off
  codex-helper switch-off --claude       restore Claude Code's settings.json`,
    )
    .action(async (opts: { claude?: boolean }) => {
      if (opts.claude) await runClaudeSwitchOff(ctx);
      else await runSwitchOff(ctx);
    });
}
