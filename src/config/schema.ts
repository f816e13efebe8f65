/** The shape of `~/.codex-proxy/config.json` and its validation. Unknown fields are kept. */
import { CliError } from "../errors.ts";
import { describeJsonLocation } from "../fs/json_location.ts";
import { dropNull, stringifyWithNulls } from "./null_fields.ts";

/** How an upstream authenticates. Plain values and environment-variable references. */
export interface UpstreamAuth {
  /** Sent as `Authorization: Bearer <token>`. */
  auth_token?: string;
  /** Name of an environment variable holding the bearer token. */
  auth_token_env?: string;
  /** Sent as `x-api-key`. */
  api_key?: string;
  /** Name of an environment variable holding the API key. */
  api_key_env?: string;
  /** `passthrough`: forward the client's own Authorization (ChatGPT login); nothing is stored. */
  mode?: "passthrough";
  [unknown: string]: unknown;
}

/** One upstream of a pool; array order is priority. */
export interface Upstream {
  base_url: string;
  auth: UpstreamAuth;
  tags?: Record<string, string>;
  [unknown: string]: unknown;
}

/** A named config: a pool of upstreams. */
export interface ServiceConfig {
  name: string;
  alias?: string;
  upstreams: Upstream[];
  [unknown: string]: unknown;
}

/** The configs of one client (Codex or Claude). */
export interface ServiceSection {
  active?: string;
  configs: Record<string, ServiceConfig>;
  [unknown: string]: unknown;
}

/** The proxy's settings, all optional in the file; see {@linkcode PROXY_DEFAULTS}. */
export interface ProxySettings {
  header_timeout_secs?: number;
  stream_idle_timeout_secs?: number;
  failure_threshold?: number;
  cooldown_secs?: number;
  max_body_bytes?: number;
  /** The longest `Retry-After` an upstream can put its breaker open for. */
  max_retry_after_secs?: number;
  /** Required from clients when the proxy listens on a non-loopback address. */
  access_token?: string;
  [unknown: string]: unknown;
}

/** Defaults of every proxy setting. */
export const PROXY_DEFAULTS = {
  header_timeout_secs: 30,
  stream_idle_timeout_secs: 120,
  failure_threshold: 3,
  cooldown_secs: 30,
  max_body_bytes: 64 * 1024 * 1024,
  max_retry_after_secs: 3600,
} as const;

/** The whole file. */
export interface HelperConfig {
  codex: ServiceSection;
  claude: ServiceSection;
  proxy: ProxySettings;
  [unknown: string]: unknown;
}

/** The two clients codex-helper serves. */
export type Service = "codex" | "claude";

/** A field of config.json has the wrong shape. */
export class ConfigSchemaError extends CliError {
  constructor(file: string, fieldPath: string, problem: string) {
    super(`Invalid "${file}": ${fieldPath}: ${problem}`, {
      hint: "fix the field by hand; the file was left untouched",
    });
    this.name = "ConfigSchemaError";
  }
}

/** An empty config, as when the file does not exist yet. */
export function createEmptyConfig(): HelperConfig {
  return { codex: { configs: {} }, claude: { configs: {} }, proxy: {} };
}

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` can be an environment variable name. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/** A field's place in config.json: object keys and array indexes. */
type FieldPath = readonly (string | number)[];

/** Reports a schema problem at a field; never returns. */
type Fail = (path: FieldPath, problem: string) => never;

/**
 * A field path as users read it.
 *
 * @example
 * ```ts
 * formatFieldPath(["codex", "configs", "x", "upstreams", 1, "base_url"]);
 * // "codex.configs.x.upstreams[1].base_url"
 * ```
 */
export function formatFieldPath(path: FieldPath): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? key : `.${key}`;
  }
  return out;
}

function checkOptionalString(
  obj: Record<string, unknown>,
  key: string,
  at: FieldPath,
  fail: Fail,
): void {
  dropNull(obj, key);
  if (obj[key] !== undefined && typeof obj[key] !== "string") fail([...at, key], "not a string");
}

function validateUpstream(value: unknown, at: FieldPath, fail: Fail): void {
  if (!isObject(value)) fail(at, "not an object");
  if (typeof value.base_url !== "string") fail([...at, "base_url"], "missing or not a string");
  if (!isHttpUrl(value.base_url)) fail([...at, "base_url"], "not a URL");
  if (value.auth === undefined || value.auth === null) value.auth = {};
  const auth = [...at, "auth"];
  if (!isObject(value.auth)) fail(auth, "not an object");
  for (const key of ["auth_token", "api_key"]) checkOptionalString(value.auth, key, auth, fail);
  for (const key of ["auth_token_env", "api_key_env", "mode"]) dropNull(value.auth, key);
  for (const key of ["auth_token_env", "api_key_env"]) {
    const name = value.auth[key];
    if (name === undefined) continue;
    if (typeof name !== "string" || !isEnvName(name)) {
      fail([...auth, key], "not an environment variable name");
    }
  }
  if (value.auth.mode !== undefined && value.auth.mode !== "passthrough") {
    fail([...auth, "mode"], `unknown mode (only "passthrough")`);
  }
  dropNull(value, "tags");
  if (value.tags !== undefined) {
    if (!isObject(value.tags)) fail([...at, "tags"], "not an object");
    for (const [k, v] of Object.entries(value.tags)) {
      dropNull(value.tags, k);
      if (v !== null && typeof v !== "string") fail([...at, "tags", k], "not a string");
    }
  }
}

function validateSection(value: unknown, at: FieldPath, fail: Fail): ServiceSection {
  if (value === undefined || value === null) return { configs: {} };
  if (!isObject(value)) fail(at, "not an object");
  if (value.configs === undefined || value.configs === null) value.configs = {};
  if (!isObject(value.configs)) fail([...at, "configs"], "not an object");
  checkOptionalString(value, "active", at, fail);
  for (const [name, cfg] of Object.entries(value.configs)) {
    const cat = [...at, "configs", name];
    if (!isObject(cfg)) fail(cat, "not an object");
    if (cfg.name === undefined || cfg.name === null) cfg.name = name;
    if (typeof cfg.name !== "string") fail([...cat, "name"], "not a string");
    checkOptionalString(cfg, "alias", cat, fail);
    if (cfg.upstreams === undefined || cfg.upstreams === null) cfg.upstreams = [];
    if (!Array.isArray(cfg.upstreams)) fail([...cat, "upstreams"], "not an array");
    cfg.upstreams.forEach((u, i) => validateUpstream(u, [...cat, "upstreams", i], fail));
  }
  return value as ServiceSection;
}

/**
 * Every config is found by its key, its `name` and its `alias`: a `name` that differs from the
 * key, or an alias shared by two configs (or equal to another config's key), would make commands
 * show one entry and edit another.
 */
function checkConfigNames(section: ServiceSection, at: FieldPath, fail: Fail): void {
  const aliases = new Map<string, string>();
  for (const [key, cfg] of Object.entries(section.configs)) {
    const cat = [...at, "configs", key];
    if (cfg.name !== key) {
      fail([...cat, "name"], `"${cfg.name}" differs from its key "${key}"; make the two the same`);
    }
    const alias = cfg.alias;
    if (alias === undefined || alias === key) continue;
    const other = aliases.get(alias);
    if (other !== undefined) {
      fail([...cat, "alias"], `"${alias}" is also the alias of "${other}"; give each its own`);
    }
    if (Object.hasOwn(section.configs, alias)) {
      fail([...cat, "alias"], `"${alias}" is also the name of another config; choose another`);
    }
    aliases.set(alias, key);
  }
}

function validateProxy(value: unknown, fail: Fail): ProxySettings {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(["proxy"], "not an object");
  for (const key of Object.keys(PROXY_DEFAULTS)) {
    dropNull(value, key);
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      fail(["proxy", key], "not a positive number");
    }
  }
  checkOptionalString(value, "access_token", ["proxy"], fail);
  return value as ProxySettings;
}

/** Options of {@linkcode validateConfig}. */
export interface ValidateConfigOptions {
  /** The file's text, so an error can name the line and column of the field. */
  text?: string;
}

/**
 * Validates parsed config.json in place and returns it typed. Unknown fields stay on the object,
 * so saving it keeps them. `null` in an optional field means absent: the field is removed from
 * the object (and written back as `null` by {@linkcode formatConfigJson}). Throws
 * {@linkcode ConfigSchemaError} naming the field path (and, given the text, its line and column).
 */
export function validateConfig(
  value: unknown,
  file: string,
  options: ValidateConfigOptions = {},
): HelperConfig {
  const fail: Fail = (path, problem) => {
    const where = options.text === undefined ? "" : describeJsonLocation(options.text, [...path]);
    throw new ConfigSchemaError(file, formatFieldPath(path), `${problem}${where}`);
  };
  if (!isObject(value)) fail([], "not an object");
  const root = value as Record<string, unknown>;
  root.codex = validateSection(root.codex, ["codex"], fail);
  root.claude = validateSection(root.claude, ["claude"], fail);
  checkConfigNames(root.codex as ServiceSection, ["codex"], fail);
  checkConfigNames(root.claude as ServiceSection, ["claude"], fail);
  root.proxy = validateProxy(root.proxy, fail);
  return root as HelperConfig;
}

/**
 * Serialises a validated config as 2-space JSON, writing back the `null` fields it was read with
 * (those still absent) where they were.
 */
export function formatConfigJson(config: HelperConfig): string {
  return stringifyWithNulls(config);
}

/** The proxy settings with defaults filled in. */
export function resolveProxySettings(
  proxy: ProxySettings,
): typeof PROXY_DEFAULTS & { access_token?: string } {
  const out = { ...PROXY_DEFAULTS, ...pickNumbers(proxy) } as
    & typeof PROXY_DEFAULTS
    & { access_token?: string };
  if (typeof proxy.access_token === "string" && proxy.access_token !== "") {
    out.access_token = proxy.access_token;
  }
  return out;
}

function pickNumbers(proxy: ProxySettings): Partial<typeof PROXY_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(PROXY_DEFAULTS)) {
    const v = proxy[key];
    if (typeof v === "number") out[key] = v;
  }
  return out;
}
