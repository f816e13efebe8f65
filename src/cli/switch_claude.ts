/** The Claude Code side of `switch-on --claude` / `switch-off --claude`. */
import { switchOffClaude, switchOnClaude } from "../claude/switch.ts";
import { detectStaleClaudeSwitch } from "../claude/stale_switch.ts";
import type { CliContext } from "./context.ts";
import { CliError } from "../errors.ts";
import { reportProxyPresence } from "./proxy_presence.ts";

const CREDENTIAL_NOTE: Record<string, string> = {
  "settings":
    "Claude Code keeps its credential from settings.json; the proxy replaces it with the upstream's key",
  "api-key-helper":
    "Claude Code keeps using its apiKeyHelper; the proxy replaces the key with the upstream's",
  "process-env":
    "Claude Code keeps its credential from your environment; the proxy replaces it with the upstream's key",
  "claude-login":
    "Claude Code keeps its login; the proxy replaces the credential with the upstream's key",
  "placeholder":
    "Claude Code had no credential: a placeholder ANTHROPIC_AUTH_TOKEN was added (the proxy sends the upstream's key)",
};

/** `switch-on --claude`: point settings.json's ANTHROPIC_BASE_URL at the proxy. */
export async function runClaudeSwitchOn(ctx: CliContext, port: number): Promise<void> {
  const paths = ctx.paths();
  const health = await detectStaleClaudeSwitch(paths);
  if (health.status === "stale" && health.port !== port) {
    ctx.err(`note: ${health.message}; switching to port ${port} now`);
  }
  const result = await switchOnClaude(paths, { port, env: ctx.env });
  const where = `("${result.settingsFile}")`;
  if (result.action === "already-on") {
    ctx.out(`Claude Code already points at codex-helper on port ${port} ${where}`);
  } else if (result.action === "updated") {
    ctx.out(`Claude Code now points at codex-helper on port ${port} ${where}`);
  } else {
    ctx.out(`Claude Code now points at codex-helper on port ${port} ${where}`);
    if (result.createdSettings) ctx.out(`Created "${result.settingsFile}" (it did not exist)`);
  }
  if (result.backupFile !== undefined) ctx.out(`Backup: "${result.backupFile}"`);
  const note = CREDENTIAL_NOTE[result.credential];
  if (note !== undefined) ctx.out(note);
  for (const warning of result.warnings) ctx.err(`warning: ${warning}`);
  await reportProxyPresence(ctx, port, `codex-helper serve --claude --port ${port}`);
  ctx.out("Undo with: codex-helper switch-off --claude");
}

/** `switch-off --claude`: restore what switch-on changed in settings.json. */
export async function runClaudeSwitchOff(ctx: CliContext): Promise<void> {
  const result = await switchOffClaude(ctx.paths());
  for (const warning of result.warnings) ctx.err(`warning: ${warning}`);
  // as for Codex: still pointing at the proxy with nothing to restore from is a failure (exit 1)
  if (result.action === "nothing-to-restore") throw new CliError(result.message);
  ctx.out(result.message);
}
