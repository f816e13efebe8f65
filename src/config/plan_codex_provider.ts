/** One Codex provider -> one config: its base URL and where its token comes from (pure). */
import type { CodexAuth } from "../codex/auth_json.ts";
import type { EnvGetter } from "./paths.ts";
import { isEnvName, isHttpUrl, type ServiceConfig, type UpstreamAuth } from "./schema.ts";
import { redactUrl } from "../config/redact_url.ts";

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

/** A config whose token cannot be resolved now, and what to do about it. */
export interface UnresolvedToken {
  config: string;
  reason: string;
  fix: string;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

/** What a provider's token is resolved from. */
export interface ProviderContext {
  file: string;
  auth: CodexAuth | undefined;
  authPath: string;
  env: EnvGetter;
}

/** One provider's config (unless skipped), unresolved token and warnings. */
export interface ProviderResult {
  config?: ServiceConfig;
  unresolved?: UnresolvedToken;
  warnings: string[];
}

/** Turns one `[model_providers.<id>]` table (or a built-in provider) into a config. */
export function planCodexProvider(
  id: string,
  table: Record<string, unknown> | undefined,
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
    if (!usesOpenaiAuth) {
      warnings.push(
        `${where} declares no env_key; it got "${
          keys[0]
        }" from auth.json: check that this key belongs to ${baseUrl}`,
      );
    }
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
    warnings.push(
      `provider "${id}" has no token; requests to ${redactUrl(baseUrl)} are sent without one`,
    );
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
