/** `config list` output: text for people, JSON for scripts; neither ever contains a secret. */
import type { EnvGetter } from "../config/paths.ts";
import type { ServiceSection, Upstream } from "../config/schema.ts";
import { redactSecret } from "../config/secrets.ts";
import { redactUrl } from "../config/redact_url.ts";
import { escapeControl } from "../text/escape_control.ts";

/** Secret-free view of an upstream's auth. */
export interface AuthView {
  mode?: "passthrough";
  /** Redacted, e.g. `sk-...abcd`. */
  auth_token_redacted?: string;
  auth_token_env?: string;
  api_key_redacted?: string;
  api_key_env?: string;
}

/** The JSON shape of `config list --json`. */
export interface ConfigListJson {
  section: string;
  file: string;
  active: string | null;
  configs: {
    name: string;
    alias: string | null;
    active: boolean;
    upstreams: {
      position: number;
      base_url: string;
      auth: AuthView;
      tags: Record<string, string>;
    }[];
  }[];
}

/** Options of the list formatters. */
export interface FormatConfigListOptions {
  /** `codex` or `claude`. */
  label: string;
  /** config.json's path, shown in the header. */
  file: string;
  /** To tell whether a referenced variable is set here (its value is never shown). */
  env: EnvGetter;
}

function authView(upstream: Upstream): AuthView {
  const auth = upstream.auth ?? {};
  const view: AuthView = {};
  if (auth.mode === "passthrough") view.mode = "passthrough";
  if (typeof auth.auth_token === "string" && auth.auth_token !== "") {
    view.auth_token_redacted = redactSecret(auth.auth_token);
  }
  if (auth.auth_token_env) view.auth_token_env = auth.auth_token_env;
  if (typeof auth.api_key === "string" && auth.api_key !== "") {
    view.api_key_redacted = redactSecret(auth.api_key);
  }
  if (auth.api_key_env) view.api_key_env = auth.api_key_env;
  return view;
}

/** The secret-free JSON view of a section. */
export function toConfigListJson(
  section: ServiceSection,
  options: FormatConfigListOptions,
): ConfigListJson {
  return {
    section: options.label,
    file: options.file,
    active: section.active ?? null,
    configs: Object.values(section.configs).map((c) => ({
      name: c.name,
      alias: c.alias ?? null,
      active: c.name === section.active,
      upstreams: c.upstreams.map((u, i) => ({
        position: i + 1,
        base_url: redactUrl(u.base_url),
        auth: authView(u),
        tags: { ...(u.tags ?? {}) },
      })),
    })),
  };
}

function describeView(view: AuthView, env: EnvGetter): string {
  const parts: string[] = [];
  const envRef = (name: string) => `$${name}${env(name)?.trim() ? "" : " (not set here)"}`;
  if (view.mode === "passthrough") parts.push("pass-through (the client's own login)");
  if (view.auth_token_env) parts.push(`auth_token from ${envRef(view.auth_token_env)}`);
  if (view.auth_token_redacted) {
    parts.push(`auth_token ${view.auth_token_redacted}${view.auth_token_env ? " (fallback)" : ""}`);
  }
  if (view.api_key_env) parts.push(`api_key from ${envRef(view.api_key_env)}`);
  if (view.api_key_redacted) {
    parts.push(`api_key ${view.api_key_redacted}${view.api_key_env ? " (fallback)" : ""}`);
  }
  return parts.length > 0 ? parts.join(", ") : "no auth";
}

/**
 * The text view of a section, one config per block, the active one marked `*`.
 *
 * @example
 * ```text
 * codex configs in "/home/u/.codex-proxy/config.json" (* = active):
 * * openai (alias: OpenAI)
 *     1. https://api.openai.com/v1  auth_token sk-...abcd  tags: region=us
 * ```
 */
export function formatConfigList(
  section: ServiceSection,
  options: FormatConfigListOptions,
): string {
  const view = toConfigListJson(section, options);
  if (view.configs.length === 0) {
    return `No ${options.label} configs yet in "${escapeControl(options.file)}".\n` +
      `Add one: codex-helper config add NAME --base-url URL --auth-token-env VAR` +
      (options.label === "codex"
        ? `\nor import Codex's: codex-helper config import-from-codex`
        : "");
  }
  const lines = [`${options.label} configs in "${options.file}" (* = active):`];
  for (const c of view.configs) {
    lines.push(`${c.active ? "*" : " "} ${c.name}${c.alias ? ` (alias: ${c.alias})` : ""}`);
    for (const u of c.upstreams) {
      const tags = Object.entries(u.tags).map(([k, v]) => `${k}=${v}`).join(", ");
      lines.push(
        `    ${u.position}. ${u.base_url}  ${describeView(u.auth, options.env)}${
          tags ? `  tags: ${tags}` : ""
        }`,
      );
    }
  }
  if (view.active !== null && !view.configs.some((c) => c.active)) {
    lines.push(`(active is "${view.active}", which does not exist; fix with config set-active)`);
  }
  // names, aliases, tags and URLs come from config.json: never print a control character
  return lines.map(escapeControl).join("\n");
}
