/**
 * The active config as the proxy uses it, re-read when config.json changes (mtime checked at most
 * every ~500 ms, never per request). Credentials are resolved once per load, not per request.
 */
import type { EnvGetter, Paths } from "../config/paths.ts";
import { resolveAuth, type ResolvedAuth } from "../config/secrets.ts";
import { type HelperConfig, resolveProxySettings, type Service } from "../config/schema.ts";
import { readConfig } from "../config/store.ts";
import { readFileStamp } from "../fs/file_stamp.ts";

/** Proxy settings with defaults filled in. */
export interface ProxyRuntimeSettings {
  header_timeout_secs: number;
  stream_idle_timeout_secs: number;
  failure_threshold: number;
  cooldown_secs: number;
  max_body_bytes: number;
  max_retry_after_secs: number;
  access_token?: string;
}

/** One upstream, ready to send to. */
export interface ActiveUpstream {
  baseUrl: string;
  auth: ResolvedAuth;
}

/** What the proxy forwards with right now. */
export interface ActiveConfig {
  service: Service;
  configName: string | null;
  upstreams: ActiveUpstream[];
  settings: ProxyRuntimeSettings;
}

/** Where the handler gets the active config; a new object means the config changed. */
export interface ConfigSource {
  current(): ActiveConfig | Promise<ActiveConfig>;
}

/** Builds the active config of `service` from a parsed config.json. */
export function toActiveConfig(
  config: HelperConfig,
  service: Service,
  env: EnvGetter,
): ActiveConfig {
  const section = config[service];
  const name = section.active !== undefined && section.configs[section.active]
    ? section.active
    : null;
  const upstreams = name === null ? [] : section.configs[name]!.upstreams.map((u) => ({
    baseUrl: u.base_url,
    auth: resolveAuth(u, env),
  }));
  return { service, configName: name, upstreams, settings: resolveProxySettings(config.proxy) };
}

/** `config` with `name` (when given) as the active config of `service`, for a pinned proxy. */
export function pinActiveConfig(
  config: HelperConfig,
  service: Service,
  name: string | undefined,
): HelperConfig {
  if (name === undefined) return config;
  return { ...config, [service]: { ...config[service], active: name } };
}

/** A source that never changes (tests, benchmarks). */
export function createStaticConfigSource(active: ActiveConfig): ConfigSource {
  return { current: () => active };
}

/** Options of {@linkcode createFileConfigSource}. */
export interface FileConfigSourceOptions {
  service: Service;
  env: EnvGetter;
  checkIntervalMs?: number;
  now?: () => number;
  /** Told when a changed file cannot be used (the previous config stays in force). */
  warn?: (message: string) => void;
  /** Serve this config instead of the file's active one (`run --config`). */
  configName?: string;
}

/** A live config backed by config.json; `initial` is what `serve` loaded at start. */
export function createFileConfigSource(
  paths: Pick<Paths, "configJson">,
  initial: ActiveConfig,
  options: FileConfigSourceOptions,
): ConfigSource {
  const interval = options.checkIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  let active = initial;
  let lastCheck = now();
  let stamp: string | undefined;
  let checking: Promise<void> | undefined;
  let lastWarning = "";

  const stampOf = () => readFileStamp(paths.configJson);
  const warnOnce = (message: string): void => {
    if (message === lastWarning) return;
    lastWarning = message;
    options.warn?.(message);
  };
  const check = async (): Promise<void> => {
    try {
      const next = await stampOf();
      if (next === stamp) return;
      stamp = next;
      if (next === "missing") {
        // (an editor saving by delete-and-write passes through this state)
        warnOnce(`"${paths.configJson}" was removed; keeping the previous config`);
        return;
      }
      const config = pinActiveConfig(
        (await readConfig(paths)).config,
        options.service,
        options.configName,
      );
      active = toActiveConfig(config, options.service, options.env);
      lastWarning = "";
      if (active.upstreams.length === 0) {
        const name = config[options.service].active;
        warnOnce(
          `"${paths.configJson}" has no upstreams in the active ${options.service} config ` +
            `(${name === undefined ? "none set" : `"${name}"`}); requests fail until one is added`,
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warnOnce(`${message}; keeping the previous config`);
    }
  };
  // the file as it was at start is what `initial` came from
  checking = stampOf().then((s) => void (stamp = s), () => {}).finally(() => checking = undefined);

  return {
    async current() {
      if (checking) await checking;
      const t = now();
      if (t - lastCheck >= interval) {
        lastCheck = t;
        checking = check().finally(() => checking = undefined);
        await checking;
      }
      return active;
    },
  };
}
