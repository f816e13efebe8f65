/** `config import-from-codex` (and the first start of `serve`): Codex's provider and key -> config.json. */
import { CliError } from "../errors.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import type { EnvGetter, Paths } from "./paths.ts";
import { type CodexImportPlan, planCodexImport } from "./plan_codex_import.ts";
import type { UnresolvedToken } from "./plan_codex_provider.ts";
import type { ServiceSection } from "./schema.ts";
import { updateConfig } from "./store.ts";

/** Options of {@linkcode importFromCodex}. */
export interface ImportFromCodexOptions {
  env: EnvGetter;
  /** Overwrite configs that already exist. */
  force?: boolean;
  /**
   * Save nothing when the config that would become active has no usable token: throw
   * {@linkcode ActiveTokenMissingError} instead (serve's first start, which cannot run without one).
   */
  requireActiveToken?: boolean;
}

/** The import would make a config active that has no usable token; nothing was saved. */
export class ActiveTokenMissingError extends CliError {
  constructor(readonly unresolved: UnresolvedToken) {
    super(`The codex config "${unresolved.config}" has no token: ${unresolved.reason}`, {
      hint: unresolved.fix,
    });
    this.name = "ActiveTokenMissingError";
  }
}

/** What {@linkcode importFromCodex} did. */
export interface ImportFromCodexResult {
  /** The config.toml path read (or its backup when Codex is switched to codex-helper). */
  source: string;
  /** Config names written. */
  imported: string[];
  /** Existing names not overwritten (no `force`). */
  skipped: string[];
  active: string | undefined;
  /** Configs whose token cannot be resolved now, with the fix. */
  unresolved: UnresolvedToken[];
  warnings: string[];
}

/** What {@linkcode mergeCodexImport} changed in the section. */
export interface MergeCodexImportResult {
  imported: string[];
  skipped: string[];
  active: string | undefined;
}

/**
 * Writes the planned configs into `section` (in place). Existing names are kept unless `force`;
 * the current provider becomes active when it was written or nothing valid is active.
 */
export function mergeCodexImport(
  section: ServiceSection,
  plan: CodexImportPlan,
  options: { force?: boolean } = {},
): MergeCodexImportResult {
  const imported: string[] = [];
  const skipped: string[] = [];
  for (const config of plan.configs) {
    if (Object.hasOwn(section.configs, config.name) && !options.force) {
      skipped.push(config.name);
      continue;
    }
    section.configs[config.name] = structuredClone(config);
    imported.push(config.name);
  }
  const activeIsValid = section.active !== undefined &&
    Object.hasOwn(section.configs, section.active);
  if (plan.active !== undefined && (imported.includes(plan.active) || !activeIsValid)) {
    section.active = plan.active;
  }
  return { imported, skipped, active: section.active };
}

/**
 * Imports Codex's providers from `config.toml` + `auth.json` (both only read) into the `codex`
 * section of config.json, under the config lock.
 */
export async function importFromCodex(
  paths: Paths,
  options: ImportFromCodexOptions,
): Promise<ImportFromCodexResult> {
  const [configToml, backupToml, authJson] = await Promise.all([
    readTextIfExists(paths.codexConfigToml),
    readTextIfExists(paths.codexConfigBackup),
    readTextIfExists(paths.codexAuthJson),
  ]);
  const plan = planCodexImport({
    configToml: { path: paths.codexConfigToml, text: configToml },
    backupToml: { path: paths.codexConfigBackup, text: backupToml },
    authJson: { path: paths.codexAuthJson, text: authJson },
  }, options.env);
  const merged = await updateConfig(paths, (config) => {
    const result = mergeCodexImport(config.codex, plan, { force: options.force ?? false });
    const blocking = plan.unresolved.find((u) =>
      u.config === result.active && result.imported.includes(u.config)
    );
    // throwing inside the edit aborts it: config.json is left as it was
    if (options.requireActiveToken && blocking) throw new ActiveTokenMissingError(blocking);
    return result;
  });
  return {
    source: plan.source,
    imported: merged.imported,
    skipped: merged.skipped,
    active: merged.active,
    unresolved: plan.unresolved.filter((u) => merged.imported.includes(u.config)),
    warnings: plan.warnings,
  };
}

/**
 * The error to stop on when the active config came out of the import without a usable token
 * (`serve` refuses to start; the CLI exits 1), or `undefined` when it has one.
 */
export function activeTokenError(result: ImportFromCodexResult): CliError | undefined {
  const blocking = result.unresolved.find((u) => u.config === result.active);
  if (blocking === undefined) return undefined;
  return new CliError(`The active config "${blocking.config}" has no token: ${blocking.reason}`, {
    hint: blocking.fix,
  });
}
