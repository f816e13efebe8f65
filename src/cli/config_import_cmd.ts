/** `config import-from-codex`: Codex's providers and key -> config.json. */
import type { Command } from "commander";
import { activeTokenError, importFromCodex } from "../config/import_codex.ts";
import { CliError } from "../errors.ts";
import type { CliContext } from "./context.ts";

/** Registers `config import-from-codex`. */
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
      const blocking = activeTokenError(result);
      for (const u of result.unresolved) {
        if (u.config !== result.active) {
          ctx.err(`warning: config "${u.config}" has no token: ${u.reason}; ${u.fix}`);
        }
      }
      if (blocking) throw blocking;
    });
}
