/**
 * The `codex -c` overrides that send one model provider's requests to a given base URL (the proxy)
 * while keeping the provider id, so a thread pinned to that provider can be resumed. Pure.
 *
 * Checked against Codex 0.171.0:
 * - a thread is refused on resume under another `model_provider` ("Cannot change this thread's
 *   model provider"), and a thread whose provider has no table is refused too ("no longer
 *   configured"), so the id is always kept;
 * - the built-in providers (`openai`, `ollama`, `lmstudio`, `amazon-bedrock`) cannot be redefined
 *   under `model_providers`; `openai` takes `openai_base_url` instead;
 * - `-c` splits its key on every `.` and does not unquote it, so only ids without `.`, quotes, `=`
 *   or spaces can be addressed as `model_providers.<id>.base_url`; values are parsed as TOML.
 */
import { PROXY_PROVIDER_ID } from "./config_toml.ts";

/** Codex's built-in provider ids (reserved: `model_providers.<id>` may not redefine them). */
export const BUILT_IN_PROVIDER_IDS: readonly string[] = [
  "openai",
  "ollama",
  "lmstudio",
  "amazon-bedrock",
];

/** The name codex-helper gives the provider table it writes. */
export const PROXY_PROVIDER_NAME = "codex-helper";

/** Options of {@linkcode proxyOverrides}. */
export interface ProxyOverridesOptions {
  /**
   * The provider's table is not in config.toml (a `codex_proxy` thread after switch-off): define
   * the whole table instead of changing its `base_url`.
   */
  missingTable?: boolean;
  /** `env_key` of a table defined whole (the variable holding the key sent to `base_url`). */
  envKey?: string;
  /** `requires_openai_auth` of a table defined whole (a ChatGPT login). */
  requiresOpenaiAuth?: boolean;
}

/** The overrides, or why the provider cannot be sent elsewhere with `-c`. */
export type ProxyOverrides =
  | { ok: true; args: string[] }
  | { ok: false; reason: string };

/** Ids `-c model_providers.<id>.key=...` can address. */
const PLAIN_ID = /^[A-Za-z0-9_-]+$/;

/** A TOML basic string (JSON's escapes are valid TOML for these). */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function pair(key: string, value: string): string[] {
  return ["-c", `${key}=${value}`];
}

/**
 * Returns the `-c` arguments that send provider `providerId` to `baseUrl` while keeping the id.
 *
 * @example
 * ```ts
 * proxyOverrides("relay", "http://127.0.0.1:3211");
 * // { ok: true, args: ["-c", 'model_provider="relay"',
 * //                    "-c", 'model_providers.relay.base_url="http://127.0.0.1:3211"'] }
 * proxyOverrides("openai", "http://127.0.0.1:3211");
 * // { ok: true, args: ["-c", 'model_provider="openai"', "-c", 'openai_base_url="http://127.0.0.1:3211"'] }
 * ```
 */
export function proxyOverrides(
  providerId: string,
  baseUrl: string,
  options: ProxyOverridesOptions = {},
): ProxyOverrides {
  const select = pair("model_provider", tomlString(providerId));
  if (providerId === "openai") {
    return { ok: true, args: [...select, ...pair("openai_base_url", tomlString(baseUrl))] };
  }
  if (BUILT_IN_PROVIDER_IDS.includes(providerId)) {
    return {
      ok: false,
      reason: `the built-in provider "${providerId}" cannot be sent through the proxy`,
    };
  }
  if (!PLAIN_ID.test(providerId)) {
    return {
      ok: false,
      reason:
        `the provider id "${providerId}" cannot be addressed with "-c" (only letters, digits, "_" and "-")`,
    };
  }
  if (options.missingTable) {
    const fields = [
      `name=${tomlString(providerId === PROXY_PROVIDER_ID ? PROXY_PROVIDER_NAME : providerId)}`,
      `base_url=${tomlString(baseUrl)}`,
      `wire_api="responses"`,
      ...(options.envKey === undefined ? [] : [`env_key=${tomlString(options.envKey)}`]),
      ...(options.requiresOpenaiAuth ? ["requires_openai_auth=true"] : []),
    ];
    return {
      ok: true,
      args: [...select, ...pair(`model_providers.${providerId}`, `{${fields.join(",")}}`)],
    };
  }
  return {
    ok: true,
    args: [...select, ...pair(`model_providers.${providerId}.base_url`, tomlString(baseUrl))],
  };
}
