/** Resolving an upstream's credentials and showing them without leaking them. */
import type { EnvGetter } from "./paths.ts";
import type { Upstream } from "./schema.ts";

/** The credentials an upstream will be sent with. */
export interface ResolvedAuth {
  /** Forward the client's own Authorization / ChatGPT-Account-ID. */
  passthrough: boolean;
  bearer?: string;
  apiKey?: string;
  /** Environment variables referenced but unset or empty. */
  missingEnv: string[];
}

function fromEnv(env: EnvGetter, name: string | undefined, missing: string[]): string | undefined {
  if (name === undefined) return undefined;
  const value = env(name);
  if (value === undefined || value.trim() === "") {
    missing.push(name);
    return undefined;
  }
  return value.trim();
}

/**
 * Resolves the upstream's token and key: an `*_env` reference wins over a stored value.
 *
 * @example
 * ```ts
 * resolveAuth({ base_url: "https://x", auth: { auth_token_env: "K" } }, (n) => n === "K" ? "sk-1" : undefined);
 * // { passthrough: false, bearer: "sk-1", missingEnv: [] }
 * ```
 */
export function resolveAuth(upstream: Upstream, env: EnvGetter): ResolvedAuth {
  const auth = upstream.auth ?? {};
  const missingEnv: string[] = [];
  const out: ResolvedAuth = { passthrough: auth.mode === "passthrough", missingEnv };
  const bearer = fromEnv(env, auth.auth_token_env, missingEnv) ??
    nonEmpty(auth.auth_token);
  const apiKey = fromEnv(env, auth.api_key_env, missingEnv) ?? nonEmpty(auth.api_key);
  if (bearer !== undefined) out.bearer = bearer;
  if (apiKey !== undefined) out.apiKey = apiKey;
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** True when the upstream can authenticate (a resolved secret, or pass-through). */
export function hasUsableAuth(auth: ResolvedAuth): boolean {
  return auth.passthrough || auth.bearer !== undefined || auth.apiKey !== undefined;
}

/**
 * Shows a secret as its prefix and last four characters.
 *
 * @example
 * ```ts
 * redactSecret("sk-proj-abcdef123456"); // "sk-...3456"
 * ```
 */
export function redactSecret(secret: string): string {
  if (secret.length <= 8) return "***";
  const dash = secret.indexOf("-");
  const prefix = dash > 0 && dash <= 6 ? secret.slice(0, dash + 1) : secret.slice(0, 2);
  return `${prefix}...${secret.slice(-4)}`;
}

/** A one-line, secret-free description of how an upstream authenticates. */
export function describeAuth(upstream: Upstream): string {
  const auth = upstream.auth ?? {};
  const parts: string[] = [];
  if (auth.mode === "passthrough") parts.push("pass-through (client's own login)");
  if (auth.auth_token_env) parts.push(`auth_token from $${auth.auth_token_env}`);
  else if (auth.auth_token) parts.push(`auth_token ${redactSecret(auth.auth_token)}`);
  if (auth.api_key_env) parts.push(`api_key from $${auth.api_key_env}`);
  else if (auth.api_key) parts.push(`api_key ${redactSecret(auth.api_key)}`);
  return parts.length > 0 ? parts.join(", ") : "no auth";
}
