/** `usage_providers.json`: relays whose quota codex-helper polls, and which upstreams they own. */
import type { EnvGetter } from "../config/paths.ts";
import type { HelperConfig, Service, Upstream } from "../config/schema.ts";
import { isEnvName, isHttpUrl } from "../config/schema.ts";
import { resolveAuth } from "../config/secrets.ts";
import { redactUrl } from "../config/redact_url.ts";
import { CliError } from "../errors.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { describeJsonLocation } from "../fs/json_location.ts";

/** Fields every provider kind has. */
interface ProviderBase {
  id: string;
  /** Hosts (and their subdomains) whose upstreams this provider meters. */
  domains: string[];
  endpoint: string;
  /** Environment variable holding the token; else the first token of a matching upstream. */
  token_env?: string;
  poll_interval_secs: number;
  [unknown: string]: unknown;
}

/** GET `endpoint`; reads `monthly_budget_usd` and `monthly_spent_usd`. */
export interface BudgetHttpJsonProvider extends ProviderBase {
  kind: "budget_http_json";
}

/** GET `endpoint`; reads the user-named JSON paths (`a.b.0.c`). */
export interface HttpJsonProvider extends ProviderBase {
  kind: "http_json";
  remaining_path?: string;
  limit_path?: string;
  used_path?: string;
  /** Exhausted when remaining <= threshold. Defaults to 0. */
  threshold?: number;
}

/** One usage provider. */
export type UsageProvider = BudgetHttpJsonProvider | HttpJsonProvider;

/** Default poll interval when the file leaves it out. */
export const DEFAULT_POLL_INTERVAL_SECS = 60;

/** The file written when none exists: the packycode provider. */
export const DEFAULT_USAGE_PROVIDERS: { providers: UsageProvider[] } = {
  providers: [{
    id: "packycode",
    kind: "budget_http_json",
    domains: ["packycode.com"],
    endpoint: "https://www.packycode.com/api/backend/users/info",
    token_env: "",
    poll_interval_secs: DEFAULT_POLL_INTERVAL_SECS,
  }],
};

/** A field of usage_providers.json has the wrong shape. */
export class UsageProvidersSchemaError extends CliError {
  constructor(file: string, at: string, problem: string, where: string) {
    super(`Invalid "${file}": ${at}: ${problem}${where}`, {
      hint:
        "fix the field by hand; the file was left untouched and quota polling is off until then",
    });
    this.name = "UsageProvidersSchemaError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Fields that may be left out; `null` in one of them means the same. */
const OPTIONAL_FIELDS = [
  "token_env",
  "poll_interval_secs",
  "remaining_path",
  "limit_path",
  "used_path",
  "threshold",
];

/** Parses and validates the file's text; errors name the file, the field, line and column. */
export function parseUsageProvidersText(text: string, file: string): UsageProvider[] {
  const root = parseJsonText(text, file);
  const fail = (path: (string | number)[], problem: string): never => {
    // a missing field is reported at the nearest enclosing value
    const where = describeJsonLocation(text, path);
    const at = path.length === 0
      ? "(root)"
      : path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
    throw new UsageProvidersSchemaError(file, at, problem, where);
  };
  if (!isObject(root)) return fail([], "not an object");
  if (!Array.isArray(root.providers)) return fail(["providers"], "missing or not an array");
  const ids = new Set<string>();
  return root.providers.map((value, i) => {
    const at = (key?: string) => key === undefined ? ["providers", i] : ["providers", i, key];
    if (!isObject(value)) return fail(at(), "not an object");
    // the original codex-helper writes null for an absent optional field
    for (const key of OPTIONAL_FIELDS) if (value[key] === null) delete value[key];
    if (typeof value.id !== "string" || value.id === "") fail(at("id"), "missing or empty");
    if (ids.has(value.id as string)) fail(at("id"), `duplicate id "${value.id}"`);
    ids.add(value.id as string);
    if (value.kind !== "budget_http_json" && value.kind !== "http_json") {
      fail(at("kind"), `unknown kind (use "budget_http_json" or "http_json")`);
    }
    const domains = value.domains;
    if (!Array.isArray(domains) || domains.length === 0) {
      return fail(at("domains"), "missing or not a non-empty array");
    }
    domains.forEach((d, j) => {
      if (typeof d !== "string" || normalizeHost(d) === "" || /[/:\s@]/.test(d)) {
        fail(["providers", i, "domains", j], 'not a host name (e.g. "example.com")');
      }
    });
    if (typeof value.endpoint !== "string" || !isHttpUrl(value.endpoint)) {
      fail(at("endpoint"), "missing or not an http(s) URL");
    }
    if (value.token_env !== undefined && value.token_env !== "") {
      if (typeof value.token_env !== "string" || !isEnvName(value.token_env)) {
        fail(at("token_env"), "not an environment variable name");
      }
    }
    if (value.poll_interval_secs === undefined) {
      value.poll_interval_secs = DEFAULT_POLL_INTERVAL_SECS;
    }
    const secs = value.poll_interval_secs;
    if (typeof secs !== "number" || !Number.isFinite(secs) || secs < 1) {
      fail(at("poll_interval_secs"), "not a number of seconds >= 1");
    }
    if (value.kind === "http_json") {
      for (const key of ["remaining_path", "limit_path", "used_path"]) {
        if (value[key] !== undefined && (typeof value[key] !== "string" || value[key] === "")) {
          fail(at(key), 'not a JSON path (e.g. "data.balance")');
        }
      }
      const hasPair = value.limit_path !== undefined && value.used_path !== undefined;
      if (value.remaining_path === undefined && !hasPair) {
        fail(at(), `http_json needs "remaining_path", or "limit_path" and "used_path"`);
      }
      const t = value.threshold;
      if (t !== undefined && (typeof t !== "number" || !Number.isFinite(t))) {
        fail(at("threshold"), "not a number");
      }
    }
    return value as unknown as UsageProvider;
  });
}

/** Formats the file as stored: 2-space JSON and a final newline. */
export function formatUsageProviders(providers: UsageProvider[]): string {
  return `${JSON.stringify({ providers }, null, 2)}\n`;
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.+$/, "");
}

/**
 * True when `host` is `domain` or one of its subdomains, on a label boundary.
 *
 * @example
 * ```ts
 * hostMatchesDomain("api.packycode.com", "packycode.com"); // true
 * hostMatchesDomain("evilpackycode.com", "packycode.com"); // false
 * ```
 */
export function hostMatchesDomain(host: string, domain: string): boolean {
  const h = normalizeHost(host);
  const d = normalizeHost(domain);
  if (d === "") return false;
  return h === d || h.endsWith(`.${d}`);
}

/** True when the upstream's base_url host belongs to the provider. Bad URLs never match. */
export function providerMatchesUrl(
  provider: { readonly domains: readonly string[] },
  baseUrl: string,
): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return false;
  }
  return provider.domains.some((d) => hostMatchesDomain(host, d));
}

/** The upstreams of the active Codex and Claude configs (or one service's), in priority order. */
export function collectActiveUpstreams(
  config: HelperConfig,
  options: { service?: Service } = {},
): Upstream[] {
  const out: Upstream[] = [];
  const services: Service[] = options.service ? [options.service] : ["codex", "claude"];
  for (const service of services) {
    const section = config[service];
    const active = section.active === undefined ? undefined : section.configs[section.active];
    if (active) out.push(...active.upstreams);
  }
  return out;
}

/** Where a provider's token came from; never the token itself. */
export interface ProviderToken {
  token: string;
  /** `$NAME` or the base_url of the upstream it was taken from. */
  source: string;
}

/**
 * The token to poll with: `token_env` when set and non-empty, else the first non-empty resolved
 * token (bearer, then API key) of the provider's upstreams.
 */
export function resolveProviderToken(
  provider: UsageProvider,
  options: { upstreams: Upstream[]; env: EnvGetter },
): ProviderToken | undefined {
  if (typeof provider.token_env === "string" && provider.token_env !== "") {
    const value = options.env(provider.token_env)?.trim();
    if (value) return { token: value, source: `$${provider.token_env}` };
  }
  for (const upstream of options.upstreams) {
    if (!providerMatchesUrl(provider, upstream.base_url)) continue;
    const auth = resolveAuth(upstream, options.env);
    const token = auth.bearer ?? auth.apiKey;
    if (token) return { token, source: redactUrl(upstream.base_url) };
  }
  return undefined;
}
