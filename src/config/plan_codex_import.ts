/** The pure core of the import from Codex: config.toml and auth.json text -> the configs to write. */
import { parseCodexAuth } from "../codex/auth_json.ts";
import { CliError } from "../errors.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { parseTomlText } from "../fs/toml_file.ts";
import type { EnvGetter } from "./paths.ts";
import {
  BUILT_IN_PROVIDERS,
  planCodexProvider,
  type ProviderContext,
  type UnresolvedToken,
} from "./plan_codex_provider.ts";
import type { ServiceConfig } from "./schema.ts";

/** The provider id that switch-on writes into config.toml; never imported. */
export const PROXY_PROVIDER_ID = "codex_proxy";

/** One input file: its path, and its text or `undefined` when it does not exist. */
export interface SourceText {
  path: string;
  text: string | undefined;
}

/** The files the import reads (only reads). */
export interface CodexImportSources {
  configToml: SourceText;
  /** `config.toml.codex-proxy-backup`, used when config.toml points at codex-helper. */
  backupToml: SourceText;
  authJson: SourceText;
}

/** What the import would write. */
export interface CodexImportPlan {
  /** The config.toml path read (or its backup when Codex is switched to codex-helper). */
  source: string;
  /** The current provider first, then the others in file order. */
  configs: ServiceConfig[];
  active: string | undefined;
  unresolved: UnresolvedToken[];
  warnings: string[];
}

/** Neither config.toml nor auth.json exists. */
export class NothingToImportError extends CliError {
  constructor(configToml: string, authJson: string) {
    super(`Nothing to import: neither "${configToml}" nor "${authJson}" exists`, {
      hint:
        'log in with "codex login" first, or add a config by hand: codex-helper config add NAME --base-url URL --auth-token-env VAR',
    });
    this.name = "NothingToImportError";
  }
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function currentProvider(doc: Table, file: string): string {
  const id = doc.model_provider;
  if (id === undefined) return "openai";
  if (typeof id !== "string" || id.trim() === "") {
    throw new CliError(`Invalid "${file}": model_provider is not a provider name`, {
      hint: 'set model_provider = "<id of a [model_providers.<id>] table>" or remove the line',
    });
  }
  return id;
}

function chooseSource(
  sources: CodexImportSources,
): { file: string; doc: Table | undefined } {
  const { configToml, backupToml } = sources;
  if (configToml.text === undefined) return { file: configToml.path, doc: undefined };
  const doc = parseTomlText(configToml.text, configToml.path);
  if (currentProvider(doc, configToml.path) !== PROXY_PROVIDER_ID) {
    return { file: configToml.path, doc };
  }
  const hint =
    `run "codex-helper switch-off" first, or set model_provider in "${configToml.path}" to your real provider`;
  if (backupToml.text === undefined) {
    throw new CliError(
      `"${configToml.path}" points Codex at codex-helper itself (model_provider = "${PROXY_PROVIDER_ID}") and its backup "${backupToml.path}" does not exist`,
      { hint },
    );
  }
  const backup = parseTomlText(backupToml.text, backupToml.path);
  if (currentProvider(backup, backupToml.path) === PROXY_PROVIDER_ID) {
    throw new CliError(
      `The backup "${backupToml.path}" also points Codex at codex-helper itself`,
      { hint },
    );
  }
  return { file: backupToml.path, doc: backup };
}

/**
 * Plans the import: the current `model_provider` (default `openai`) and every
 * `[model_providers.*]` table become configs; tokens come from `env_key` (kept as an env
 * reference), else the auth.json field of that name, else the single `*_API_KEY` of auth.json,
 * else a ChatGPT login (pass-through). Throws with file, line and column on broken input.
 */
export function planCodexImport(sources: CodexImportSources, env: EnvGetter): CodexImportPlan {
  const { authJson } = sources;
  const auth = authJson.text === undefined
    ? undefined
    : parseCodexAuth(parseJsonText(authJson.text, authJson.path));
  const { file, doc } = chooseSource(sources);
  if (doc === undefined && auth === undefined) {
    throw new NothingToImportError(sources.configToml.path, authJson.path);
  }
  const root = doc ?? {};
  const current = currentProvider(root, file);
  const tables = root.model_providers ?? {};
  if (!isTable(tables)) {
    throw new CliError(`Invalid "${file}": model_providers is not a table`, {
      hint: "write it as [model_providers.<id>] tables",
    });
  }
  if (!Object.hasOwn(BUILT_IN_PROVIDERS, current) && !isTable(tables[current])) {
    throw new CliError(
      `"${file}" sets model_provider = "${current}" but has no [model_providers.${current}] table`,
      { hint: "add the table (with base_url and env_key) or fix model_provider" },
    );
  }
  const ids = [current, ...Object.keys(tables).filter((id) => id !== current)]
    .filter((id) => id !== PROXY_PROVIDER_ID);
  const ctx: ProviderContext = { file, auth, authPath: authJson.path, env };
  const plan: CodexImportPlan = {
    source: file,
    configs: [],
    active: undefined,
    unresolved: [],
    warnings: [],
  };
  for (const id of ids) {
    const table = tables[id];
    if (table !== undefined && !isTable(table)) {
      plan.warnings.push(`"${file}": model_providers.${id} is not a table; skipped`);
      continue;
    }
    const result = planCodexProvider(id, table, ctx);
    plan.warnings.push(...result.warnings);
    if (result.unresolved) plan.unresolved.push(result.unresolved);
    if (result.config) plan.configs.push(result.config);
  }
  if (plan.configs.some((c) => c.name === current)) plan.active = current;
  return plan;
}
