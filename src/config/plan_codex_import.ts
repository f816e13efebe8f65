/** The pure core of the import from Codex: config.toml and auth.json text -> the configs to write. */
import { type CodexAuth, parseCodexAuth } from "../codex/auth_json.ts";
import { CliError } from "../errors.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { parseTomlText } from "../fs/toml_file.ts";
import type { EnvGetter } from "./paths.ts";
import { isEnvName, isHttpUrl, type ServiceConfig, type UpstreamAuth } from "./schema.ts";

/** Codex's built-in `openai` provider. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Where Codex sends requests when logged in with ChatGPT. */
export const CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex";
/** Codex's built-in providers (it refuses tables with these ids) and their default base URLs. */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, string>> = {
  openai: OPENAI_BASE_URL,
  ollama: "http://localhost:11434/v1",
  lmstudio: "http://localhost:1234/v1",
};
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

/** A config whose token cannot be resolved now, and what to do about it. */
export interface UnresolvedToken {
  config: string;
  reason: string;
  fix: string;
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

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
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

interface ProviderContext {
  file: string;
  auth: CodexAuth | undefined;
  authPath: string;
  env: EnvGetter;
}

interface ProviderResult {
  config?: ServiceConfig;
  unresolved?: UnresolvedToken;
  warnings: string[];
}

function importProvider(
  id: string,
  table: Table | undefined,
  ctx: ProviderContext,
): ProviderResult {
  const where = `[model_providers.${id}] in "${ctx.file}"`;
  const warnings: string[] = [];
  const builtIn = Object.hasOwn(BUILT_IN_PROVIDERS, id);
  if (builtIn && table !== undefined) {
    warnings.push(`${where} is ignored: Codex does not allow overriding its built-in "${id}"`);
  }
  const p = builtIn ? {} : table ?? {};
  const defaultUrl = id === "openai"
    ? nonEmpty(ctx.env("OPENAI_BASE_URL")) ?? OPENAI_BASE_URL
    : BUILT_IN_PROVIDERS[id] ?? OPENAI_BASE_URL;
  let baseUrl = p.base_url === undefined ? defaultUrl : nonEmpty(p.base_url);
  if (baseUrl === undefined || !isHttpUrl(baseUrl)) {
    return { warnings: [`${where}: base_url is not an http(s) URL; provider "${id}" skipped`] };
  }
  for (const key of ["http_headers", "env_http_headers", "query_params"]) {
    if (p[key] !== undefined) {
      warnings.push(`${where}: ${key} not imported (config.json has no per-upstream ${key})`);
    }
  }
  let envKey = nonEmpty(p.env_key);
  if (envKey !== undefined && !isEnvName(envKey)) {
    warnings.push(`${where}: env_key "${envKey}" is not a variable name; ignored`);
    envKey = undefined;
  }
  const usesOpenaiAuth = id === "openai" || p.requires_openai_auth === true;
  const auth: UpstreamAuth = {};
  let unresolved: UnresolvedToken | undefined;
  const keys = ctx.auth?.apiKeyFields ?? [];
  if (envKey !== undefined) {
    const fromFile = nonEmpty(ctx.auth?.fields[envKey]);
    if (nonEmpty(ctx.env(envKey)) !== undefined) auth.auth_token_env = envKey;
    else if (fromFile !== undefined) auth.auth_token = fromFile;
    else {
      auth.auth_token_env = envKey;
      unresolved = {
        config: id,
        reason:
          `the environment variable ${envKey} (env_key of ${where}) is not set and "${ctx.authPath}" has no "${envKey}" field`,
        fix: `set ${envKey} where codex-helper runs (export ${envKey}=...)`,
      };
    }
  } else if (usesOpenaiAuth && ctx.auth?.chatgptLogin === true) {
    auth.mode = "passthrough";
    if (baseUrl === OPENAI_BASE_URL) baseUrl = CHATGPT_BASE_URL;
  } else if (nonEmpty(p.experimental_bearer_token) !== undefined) {
    auth.auth_token = nonEmpty(p.experimental_bearer_token)!;
  } else if (keys.length === 1) {
    auth.auth_token = ctx.auth!.fields[keys[0]!]!.trim();
  } else if (keys.length > 1) {
    unresolved = {
      config: id,
      reason: `"${ctx.authPath}" has several *_API_KEY fields (${
        keys.join(", ")
      }) and ${where} declares no env_key`,
      fix: table === undefined
        ? `keep one key in auth.json ("codex login --with-api-key"), or add the upstream yourself: codex-helper config add-upstream ${id} --base-url ${baseUrl} --auth-token-env VAR`
        : `add env_key = "<one of them>" to ${where}, then run: codex-helper config import-from-codex --force`,
    };
  } else if (isLoopback(baseUrl)) {
    warnings.push(`provider "${id}" has no token; requests to ${baseUrl} are sent without one`);
  } else {
    unresolved = {
      config: id,
      reason: ctx.auth === undefined
        ? `${where} declares no env_key and "${ctx.authPath}" does not exist`
        : `${where} declares no env_key and "${ctx.authPath}" has no *_API_KEY field or ChatGPT login`,
      fix: usesOpenaiAuth
        ? `log in with "codex login" (ChatGPT or API key), then run: codex-helper config import-from-codex --force`
        : `add env_key = "VAR" to ${where} and set VAR, then run: codex-helper config import-from-codex --force`,
    };
  }
  const config: ServiceConfig = { name: id, upstreams: [{ base_url: baseUrl, auth }] };
  const displayName = nonEmpty(p.name);
  if (displayName !== undefined && displayName !== id) config.alias = displayName;
  return { config, ...(unresolved ? { unresolved } : {}), warnings };
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
    const result = importProvider(id, table, ctx);
    plan.warnings.push(...result.warnings);
    if (result.unresolved) plan.unresolved.push(result.unresolved);
    if (result.config) plan.configs.push(result.config);
  }
  if (plan.configs.some((c) => c.name === current)) plan.active = current;
  return plan;
}
