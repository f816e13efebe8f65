/** Before `serve` listens: the first-start import, and an active config that can authenticate. */
import type { Paths } from "../config/paths.ts";
import type { HelperConfig, Service } from "../config/schema.ts";
import { hasUsableAuth } from "../config/secrets.ts";
import { redactUrl } from "../config/redact_url.ts";
import { readConfig } from "../config/store.ts";
import { ActiveTokenMissingError, importFromCodex } from "../config/import_codex.ts";
import { importFromClaude } from "../claude/import_claude.ts";
import { CliError } from "../errors.ts";
import type { ActiveConfig } from "../proxy/live_config.ts";
import type { CliContext } from "./context.ts";

/**
 * First start: with no configs for `service`, import the client's own settings (Codex's
 * config.toml + auth.json, or Claude's settings.json) and return the config as it is now.
 */
export async function ensureConfigs(
  ctx: CliContext,
  config: HelperConfig,
  service: Service,
): Promise<HelperConfig> {
  if (Object.keys(config[service].configs).length > 0) return config;
  const paths = ctx.paths();
  let result;
  try {
    result = service === "codex"
      ? await importFromCodex(paths, { env: ctx.env, requireActiveToken: true })
      : await importFromClaude(paths, { env: ctx.env });
  } catch (error) {
    if (!(error instanceof ActiveTokenMissingError)) throw error;
    // nothing saved: no config without a token is left behind for the next start to trip on
    const u = error.unresolved;
    throw new CliError(
      `Cannot start: the ${service} config "${u.config}" has no token: ${u.reason}`,
      {
        hint: `${u.fix}; nothing was saved (serve imports it again when it next starts)`,
        cause: error,
      },
    );
  }
  for (const w of result.warnings) ctx.err(`warning: ${w}`);
  const blocking = result.unresolved.find((u) => u.config === result.active) ??
    (result.imported.length === 0 ? result.unresolved[0] : undefined);
  if (blocking !== undefined) {
    throw new CliError(
      `Cannot start: the ${service} config "${blocking.config}" has no token: ${blocking.reason}`,
      { hint: blocking.fix },
    );
  }
  if (result.imported.length === 0) {
    throw new CliError(`No ${service} configs in "${paths.configJson}" and nothing to import`, {
      hint: service === "codex"
        ? "add one with `codex-helper config add NAME --base-url URL --auth-token-env VAR`"
        : "add one with `codex-helper config add NAME --claude --base-url URL --auth-token-env VAR`",
    });
  }
  ctx.err(
    `First start: imported ${
      result.imported.join(", ")
    } from "${result.source}" into "${paths.configJson}"`,
  );
  return (await readConfig(paths)).config;
}

/** Refuses to start without an active config, upstreams, or any usable credential; warns per upstream. */
export function checkActive(active: ActiveConfig, paths: Paths, warn: (s: string) => void): void {
  if (active.configName === null) {
    throw new CliError(`No active ${active.service} config in "${paths.configJson}"`, {
      hint: "choose one with `codex-helper config set-active <name>`",
    });
  }
  if (active.upstreams.length === 0) {
    throw new CliError(`Config "${active.configName}" has no upstreams`, {
      hint: "add one with `codex-helper config add-upstream`",
    });
  }
  const problems = active.upstreams.filter((u) => !hasUsableAuth(u.auth)).map((u) =>
    u.auth.missingEnv.length > 0
      ? `${redactUrl(u.baseUrl)}: environment variable ${
        u.auth.missingEnv.map((n) => `"${n}"`).join(", ")
      } is not set`
      : `${redactUrl(u.baseUrl)}: no token or key configured`
  );
  if (problems.length === active.upstreams.length) {
    throw new CliError(
      `No usable token for config "${active.configName}": ${problems.join("; ")}`,
      {
        hint:
          "export the variable in this shell, or set a key with `codex-helper config add-upstream`",
      },
    );
  }
  for (const p of problems) warn(`warning: ${p}; this upstream is sent without credentials`);
}

/**
 * A filter.json that is a symlink to nothing (an unmounted dotfiles folder, a moved target) is
 * refused: read as "no file" it would start the proxy without the redaction rules the user wrote.
 */
export async function requireFilterTarget(path: string): Promise<void> {
  let link: Deno.FileInfo;
  try {
    link = await Deno.lstat(path);
  } catch {
    return; // absent (no rules) or unreadable: the start-up check of the file says which
  }
  if (!link.isSymlink) return;
  try {
    await Deno.stat(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return;
    const target = await Deno.readLink(path).catch(() => "?");
    throw new CliError(
      `Cannot read "${path}": it is a symlink to "${target}", which does not exist`,
      {
        hint: "restore the target (or remove the link to run without rules) and start again; " +
          "codex-helper does not start without the redaction rules you wrote",
        cause: error,
      },
    );
  }
}
