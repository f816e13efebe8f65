/** `config import-from-codex` / `import-from-claude`: the clients' own settings -> config.json. */
import type { Command } from "commander";
import { importFromClaude } from "../claude/import_claude.ts";
import { importFromCodex } from "../config/import_codex.ts";
import { CliError } from "../errors.ts";
import type { CliContext } from "./context.ts";

/** What an import did, in the shape both imports share. */
interface ImportReport {
  source: string | null;
  imported: string[];
  skipped: string[];
  active: string | null;
  unresolved: { config: string; reason: string; fix: string }[];
  warnings: string[];
}

/**
 * Prints an import's result; throws only when nothing was saved. A saved config without a token
 * yet is a warning (exit 0): the import either saves and succeeds, or saves nothing and fails.
 * `noFile` names where the values came from when no file was read.
 */
function reportImport(ctx: CliContext, result: ImportReport, noFile = "the environment"): void {
  for (const w of result.warnings) ctx.err(`warning: ${w}`);
  const mark = (n: string) => (n === result.active ? `${n} (active)` : n);
  const source = result.source === null ? noFile : `"${result.source}"`;
  if (result.imported.length > 0) {
    ctx.out(`Imported from ${source}: ${result.imported.map(mark).join(", ")}`);
  }
  if (result.skipped.length > 0) {
    ctx.out(`Skipped, already in config.json (--force overwrites): ${result.skipped.join(", ")}`);
  }
  const nothing = result.imported.length === 0 && result.skipped.length === 0;
  const blocking = nothing
    ? result.unresolved[0]
    : result.unresolved.find((u) => u.config === result.active);
  for (const u of result.unresolved) {
    if (u !== blocking) {
      ctx.err(`warning: config "${u.config}" has no token: ${u.reason}; ${u.fix}`);
    }
  }
  if (nothing) {
    throw new CliError(`Nothing could be imported from ${source}`, {
      hint: blocking !== undefined
        ? `${blocking.reason}; ${blocking.fix}`
        : "see the warnings above",
    });
  }
  if (blocking !== undefined) {
    ctx.err(
      `warning: the active config "${blocking.config}" has no token yet: ${blocking.reason}; ` +
        `${blocking.fix} (serve refuses to start until then)`,
    );
  }
}

/** Registers `config import-from-codex` and `config import-from-claude`. */
export function registerImport(config: Command, ctx: CliContext): void {
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
      reportImport(ctx, { ...result, active: result.active ?? null });
    });
  config
    .command("import-from-claude")
    .description("import Claude Code's endpoint and key from settings.json (read only)")
    .option("--force", "overwrite the config if it already exists")
    .addHelpText(
      "after",
      `
Reads the env block of ~/.claude/settings.json ($CLAUDE_CONFIG_DIR): ANTHROPIC_BASE_URL (default
https://api.anthropic.com) and ANTHROPIC_AUTH_TOKEN (sent as Bearer) or ANTHROPIC_API_KEY (sent as
x-api-key). A token that is only in your environment is stored as a reference to the variable.
When settings.json already points at codex-helper, its backup is read instead.

Examples:
  codex-helper config import-from-claude
  codex-helper config list --claude`,
    )
    .action(async (opts: { force?: boolean }) => {
      const paths = ctx.paths();
      const result = await importFromClaude(paths, { env: ctx.env, force: opts.force ?? false });
      reportImport(ctx, result, `the environment ("${paths.claudeSettings}" does not exist)`);
    });
}
