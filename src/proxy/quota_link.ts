/**
 * Links the usage-provider quota poller to a running proxy: loads usage_providers.json (re-read
 * when it changes), follows the live config's upstreams, and marks the shared pool.
 */
import type { EnvGetter } from "../config/paths.ts";
import { readFileStamp } from "../fs/file_stamp.ts";
import type { Upstream } from "../config/schema.ts";
import { loadUsageProviders, readUsageProvidersState } from "../usage/providers_file.ts";
import type { UsageProvider } from "../usage/providers.ts";
import {
  createQuotaPoller,
  type PollerTimers,
  type ProviderSnapshot,
  type QuotaPoller,
} from "../usage/quota_poller.ts";
import { redactUrl } from "../config/redact_url.ts";
import type { ActiveConfig, ActiveUpstream, ConfigSource } from "./live_config.ts";
import type { UpstreamPool } from "./upstream_pool.ts";

/** How often usage_providers.json and config.json may be checked for changes by default. */
export const QUOTA_FILE_CHECK_MS = 5000;

/** Test seams of {@linkcode startQuotaLink}; real defaults otherwise. */
export interface QuotaLinkTuning {
  /** Fetch for the balance endpoints. */
  fetch?: typeof fetch;
  now?: () => number;
  timers?: PollerTimers;
  /** Probe timeout (default 10 s). */
  timeoutMs?: number;
  /** How often the files may be checked for changes (default 5 s). */
  checkIntervalMs?: number;
}

/** Options of {@linkcode startQuotaLink}. */
export interface QuotaLinkOptions extends QuotaLinkTuning {
  /** usage_providers.json. */
  file: string;
  /** The live config; wrapped so the pool is marked before the handler routes on a new config. */
  source: ConfigSource;
  pool: UpstreamPool;
  env: EnvGetter;
  /** Told about a broken file, once per distinct problem. */
  warn: (message: string) => void;
}

/** A running link. */
export interface QuotaLink {
  /** The config source to hand to the handler (the given one, observed). */
  source: ConfigSource;
  /** Hook for the handler: a request to `baseUrl` finished. */
  onUpstreamRequestComplete(baseUrl: string): void;
  /** Each provider's last result and marks, for the status endpoint. */
  providers(): ProviderSnapshot[];
  /** Re-checks both files now, then polls every provider; resolves when done. */
  pollNow(): Promise<void>;
  /** Re-checks config.json and usage_providers.json now (what the periodic check does). */
  refresh(): Promise<void>;
  stop(): void;
}

const realTimers: PollerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** The upstream as the poller reads it: base URL and its already resolved token. */
function toUpstream(u: ActiveUpstream): Upstream {
  const auth: Upstream["auth"] = {};
  if (u.auth.bearer !== undefined) auth.auth_token = u.auth.bearer;
  if (u.auth.apiKey !== undefined) auth.api_key = u.auth.apiKey;
  return { base_url: u.baseUrl, auth };
}

/**
 * Loads the providers (creating the default file when missing; a broken file warns and leaves
 * polling off until it is fixed, never rewritten) and starts polling.
 */
export async function startQuotaLink(options: QuotaLinkOptions): Promise<QuotaLink> {
  const timers = options.timers ?? realTimers;
  const interval = options.checkIntervalMs ?? QUOTA_FILE_CHECK_MS;
  const { pool, file } = options;
  let active = await options.source.current();
  let upstreams = active.upstreams.map(toUpstream);
  let poller: QuotaPoller | undefined;
  let stamp = "";
  let lastWarning = "";
  let stopped = false;
  let tick: unknown = null;

  const observe = (next: ActiveConfig): void => {
    if (next === active) return;
    active = next;
    upstreams = next.upstreams.map(toUpstream);
    // the pool learns the new list before the handler routes on it, so marks are in place
    pool.setUpstreams(next.upstreams.map((u) => u.baseUrl));
    poller?.upstreamsChanged();
  };
  const source: ConfigSource = {
    async current() {
      const next = await options.source.current();
      observe(next);
      return next;
    },
  };

  const use = (providers: UsageProvider[] | undefined): void => {
    if (poller) {
      for (const s of poller.snapshot()) {
        for (const url of s.exhausted_upstreams) pool.setUsageExhausted(url, false);
      }
      poller.stop();
    }
    poller = providers === undefined ? undefined : createQuotaPoller({
      providers,
      upstreams: () => upstreams,
      setUsageExhausted: (url, exhausted) => pool.setUsageExhausted(url, exhausted),
      env: options.env,
      timers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (!stopped) poller?.start();
  };
  const warnOnce = (message: string): void => {
    if (message === lastWarning) return;
    lastWarning = message;
    options.warn(message);
  };
  const report = (error: unknown): void =>
    warnOnce(
      `${
        error instanceof Error ? error.message : String(error)
      }; quota polling is off until the file is fixed (it was left untouched)`,
    );

  const reloadFile = async (): Promise<void> => {
    const next = await readFileStamp(file).catch(() => "unreadable");
    if (next === stamp) return;
    stamp = next;
    try {
      // a file removed while serving means the defaults; it is created again only at start
      const loaded = await loadUsageProviders(file, { createIfMissing: false });
      lastWarning = "";
      use(loaded.providers);
    } catch (error) {
      report(error);
      use(undefined);
    }
  };
  const refresh = async (): Promise<void> => {
    observe(await options.source.current());
    await reloadFile();
  };
  const schedule = (): void => {
    if (stopped) return;
    tick = timers.setTimeout(() => {
      tick = null;
      refresh().catch((error) => warnOnce(String(error))).finally(schedule);
    }, interval);
  };

  const state = await readUsageProvidersState(file);
  if (state.ok) use(state.providers);
  else report(state.error);
  stamp = await readFileStamp(file).catch(() => "unreadable");
  schedule();

  return {
    source,
    onUpstreamRequestComplete: (baseUrl) => poller?.notifyRequestComplete(baseUrl),
    // (the snapshot's own URLs stay exact: `use()` unmarks by them)
    providers: () =>
      poller?.snapshot().map((s) => ({
        ...s,
        exhausted_upstreams: s.exhausted_upstreams.map((u) => redactUrl(u)),
      })) ?? [],
    async pollNow() {
      await refresh();
      await poller?.pollNow();
    },
    refresh,
    stop() {
      stopped = true;
      if (tick !== null) timers.clearTimeout(tick);
      poller?.stop();
    },
  };
}
