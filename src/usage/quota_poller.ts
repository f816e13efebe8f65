/** Polls usage providers while `serve` runs and marks their upstreams exhausted or not. */
import type { EnvGetter } from "../config/paths.ts";
import type { Upstream } from "../config/schema.ts";
import { probeProvider, type ProbeResult } from "./budget_probe.ts";
import { providerMatchesUrl, resolveProviderToken, type UsageProvider } from "./providers.ts";

/** Polls triggered by completed requests happen at most this often per provider. */
export const REQUEST_POLL_MIN_INTERVAL_MS = 20_000;

/** Timer functions, injectable so tests drive time by hand. */
export interface PollerTimers {
  /** Returns an opaque handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Options of {@linkcode createQuotaPoller}. */
export interface QuotaPollerOptions {
  providers: UsageProvider[];
  /** The upstreams of the active config, read on every poll (configs can change while serving). */
  upstreams: () => Upstream[];
  /** Called for every matching upstream after each successful poll. */
  setUsageExhausted: (baseUrl: string, exhausted: boolean) => void;
  env: EnvGetter;
  fetch?: typeof fetch;
  now?: () => number;
  timers?: PollerTimers;
  /** Probe timeout; defaults to 10 s. */
  timeoutMs?: number;
}

/** What `/__codex_helper/status` shows for one provider. */
export interface ProviderSnapshot {
  id: string;
  kind: UsageProvider["kind"];
  domains: string[];
  poll_interval_secs: number;
  /** The last poll's result, or null before the first one ends. */
  last: ProbeResult | null;
  /** The last poll that read a balance (a later failure keeps it). */
  last_known: ProbeResult | null;
  /** Upstreams currently marked exhausted by this provider. */
  exhausted_upstreams: string[];
}

/** A running poller. */
export interface QuotaPoller {
  /** Polls every provider now and then every `poll_interval_secs`. */
  start(): void;
  /** Cancels timers and in-flight polls; later results are dropped. */
  stop(): void;
  /** Polls providers now (all, or the one with `id`) and resolves when done. */
  pollNow(id?: string): Promise<void>;
  /** A request to `baseUrl` completed: poll its provider, at most once per 20 s. */
  notifyRequestComplete(baseUrl: string): void;
  /**
   * The upstream list changed: marks of removed upstreams are forgotten, the last known balance
   * marks the current ones at once, and a provider that gained an upstream is polled.
   */
  upstreamsChanged(): void;
  snapshot(): ProviderSnapshot[];
}

interface ProviderState {
  provider: UsageProvider;
  last: ProbeResult | null;
  lastKnown: ProbeResult | null;
  lastPollStartMs: number | null;
  inFlight: Promise<void> | null;
  intervalTimer: unknown;
  requestTimer: unknown;
  marked: Set<string>;
  /** Matching upstreams when the marks were last set: a new one triggers a poll. */
  covered: Set<string>;
}

const realTimers: PollerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** Creates a poller; nothing happens until `start()` or `pollNow()`. */
export function createQuotaPoller(options: QuotaPollerOptions): QuotaPoller {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const abort = new AbortController();
  let running = false;
  const states: ProviderState[] = options.providers.map((provider) => ({
    provider,
    last: null,
    lastKnown: null,
    lastPollStartMs: null,
    inFlight: null,
    intervalTimer: null,
    requestTimer: null,
    marked: new Set(),
    covered: new Set(),
  }));

  function matching(state: ProviderState): string[] {
    const urls = options.upstreams().map((u) => u.base_url);
    return [...new Set(urls)].filter((url) => providerMatchesUrl(state.provider, url));
  }

  function mark(state: ProviderState, exhausted: boolean, urls: string[]): void {
    state.covered = new Set(urls);
    for (const url of urls) {
      options.setUsageExhausted(url, exhausted);
      if (exhausted) state.marked.add(url);
      else state.marked.delete(url);
    }
  }

  function apply(state: ProviderState, result: ProbeResult): void {
    state.last = result;
    if (result.state !== "ok") return; // unknown: marks stay as they are
    state.lastKnown = result;
    mark(state, result.exhausted, matching(state));
  }

  function scheduleInterval(state: ProviderState): void {
    if (!running) return;
    if (state.intervalTimer !== null) timers.clearTimeout(state.intervalTimer);
    state.intervalTimer = timers.setTimeout(() => {
      state.intervalTimer = null;
      void poll(state);
    }, state.provider.poll_interval_secs * 1000);
  }

  function poll(state: ProviderState): Promise<void> {
    if (state.inFlight) return state.inFlight;
    if (abort.signal.aborted) return Promise.resolve();
    state.lastPollStartMs = now();
    const token = resolveProviderToken(state.provider, {
      upstreams: options.upstreams(),
      env: options.env,
    });
    const run = async () => {
      const result = await probeProvider(state.provider, {
        token: token?.token,
        now,
        signal: abort.signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      if (!abort.signal.aborted) apply(state, result);
    };
    state.inFlight = run().finally(() => {
      state.inFlight = null;
      scheduleInterval(state);
    });
    return state.inFlight;
  }

  function clearTimers(state: ProviderState): void {
    if (state.intervalTimer !== null) timers.clearTimeout(state.intervalTimer);
    if (state.requestTimer !== null) timers.clearTimeout(state.requestTimer);
    state.intervalTimer = null;
    state.requestTimer = null;
  }

  return {
    start() {
      if (running || abort.signal.aborted) return;
      running = true;
      for (const state of states) void poll(state);
    },
    stop() {
      running = false;
      abort.abort();
      states.forEach(clearTimers);
    },
    async pollNow(id) {
      await Promise.all(states.filter((s) => id === undefined || s.provider.id === id).map(poll));
    },
    notifyRequestComplete(baseUrl) {
      if (abort.signal.aborted) return;
      for (const state of states) {
        if (!providerMatchesUrl(state.provider, baseUrl)) continue;
        if (state.inFlight || state.requestTimer !== null) continue;
        const since = state.lastPollStartMs === null ? Infinity : now() - state.lastPollStartMs;
        if (since >= REQUEST_POLL_MIN_INTERVAL_MS) {
          void poll(state);
          continue;
        }
        // too soon: poll once when the window ends, so the last request's spend is seen
        state.requestTimer = timers.setTimeout(() => {
          state.requestTimer = null;
          void poll(state);
        }, REQUEST_POLL_MIN_INTERVAL_MS - since);
      }
    },
    upstreamsChanged() {
      if (abort.signal.aborted) return;
      for (const state of states) {
        const urls = matching(state);
        const current = new Set(urls);
        for (const url of state.marked) if (!current.has(url)) state.marked.delete(url);
        const gained = urls.some((url) => !state.covered.has(url));
        const known = state.lastKnown;
        if (known?.state === "ok") mark(state, known.exhausted, urls);
        else state.covered = current;
        if (gained && running) void poll(state);
      }
    },
    snapshot() {
      return states.map((s) => ({
        id: s.provider.id,
        kind: s.provider.kind,
        domains: [...s.provider.domains],
        poll_interval_secs: s.provider.poll_interval_secs,
        last: s.last,
        last_known: s.lastKnown,
        exhausted_upstreams: [...s.marked],
      }));
    },
  };
}
