/** Upstream selection and per-upstream circuit breakers. Pure: time comes from an injected clock. */

/** Breaker state of one upstream, as the status endpoint shows it. */
export type BreakerState = "closed" | "open" | "half_open";

/** One upstream's health, as {@linkcode UpstreamPool.snapshot} returns it. */
export interface UpstreamHealth {
  base_url: string;
  state: BreakerState;
  consecutive_failures: number;
  cooldown_remaining_ms: number;
  usage_exhausted: boolean;
  requests: number;
  failures: number;
}

/** Options of {@linkcode UpstreamPool}. */
export interface UpstreamPoolOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker stays open. */
  cooldownMs: number;
  /** Milliseconds clock; defaults to `Date.now`. */
  now?: () => number;
}

interface Entry {
  baseUrl: string;
  consecutiveFailures: number;
  /** When the open breaker may be probed; 0 when closed. */
  openUntil: number;
  /** True while the one half-open probe is in flight. */
  probing: boolean;
  exhausted: boolean;
  requests: number;
  failures: number;
}

/** Options of {@linkcode UpstreamPool.recordFailure}. */
export interface FailureOptions {
  /** A cooldown the upstream asked for (429 `Retry-After`), replacing the default. */
  cooldownMs?: number;
  /** Open the breaker at once (rate limited), regardless of the threshold. */
  openNow?: boolean;
}

/**
 * The upstreams of the active config, in priority order, each with a circuit breaker:
 * `failureThreshold` consecutive failures open it for `cooldownMs`; then one request probes it,
 * and a success closes it. State is keyed by base URL and survives {@linkcode setUpstreams}.
 */
export class UpstreamPool {
  #entries: Entry[] = [];
  #byUrl = new Map<string, Entry>();
  #threshold: number;
  #cooldownMs: number;
  #now: () => number;

  constructor(baseUrls: string[], options: UpstreamPoolOptions) {
    this.#threshold = options.failureThreshold;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
    this.setUpstreams(baseUrls);
  }

  /** Replaces the list (priority order); upstreams that remain keep their breaker state. */
  setUpstreams(baseUrls: string[]): void {
    const next = new Map<string, Entry>();
    for (const baseUrl of baseUrls) {
      if (next.has(baseUrl)) continue;
      next.set(baseUrl, this.#byUrl.get(baseUrl) ?? newEntry(baseUrl));
    }
    this.#byUrl = next;
    this.#entries = [...next.values()];
  }

  /** Updates the breaker settings (config reload). */
  setSettings(settings: { failureThreshold: number; cooldownMs: number }): void {
    this.#threshold = settings.failureThreshold;
    this.#cooldownMs = settings.cooldownMs;
  }

  /** Marks an upstream as out of quota (or not); routing avoids it while another is available. */
  setUsageExhausted(baseUrl: string, exhausted: boolean): void {
    const entry = this.#byUrl.get(baseUrl);
    if (entry) entry.exhausted = exhausted;
  }

  /**
   * The upstreams to try for one request, in order, each at most once. Available ones first
   * (not exhausted, then exhausted); when none is available, every open one, soonest cooldown
   * end first, so a request is never refused without trying. Claims half-open probes.
   */
  plan(): string[] {
    const now = this.#now();
    const fresh: Entry[] = [];
    const exhausted: Entry[] = [];
    for (const e of this.#entries) {
      if (!isAvailable(e, now)) continue;
      (e.exhausted ? exhausted : fresh).push(e);
    }
    let chosen = [...fresh, ...exhausted];
    if (chosen.length === 0) {
      chosen = [...this.#entries].sort((a, b) => a.openUntil - b.openUntil);
    }
    for (const e of chosen) {
      if (e.openUntil !== 0 && e.openUntil <= now) e.probing = true;
    }
    return chosen.map((e) => e.baseUrl);
  }

  /** Releases a half-open probe claimed by {@linkcode plan} but never sent. */
  release(baseUrl: string): void {
    const entry = this.#byUrl.get(baseUrl);
    if (entry) entry.probing = false;
  }

  /** Counts a request sent to `baseUrl`. */
  recordAttempt(baseUrl: string): void {
    const entry = this.#byUrl.get(baseUrl);
    if (entry) entry.requests++;
  }

  /** A success closes the breaker. */
  recordSuccess(baseUrl: string): void {
    const entry = this.#byUrl.get(baseUrl);
    if (!entry) return;
    entry.consecutiveFailures = 0;
    entry.openUntil = 0;
    entry.probing = false;
  }

  /** A failure; opens the breaker at the threshold, or at once for a failed probe. */
  recordFailure(baseUrl: string, options: FailureOptions = {}): void {
    const entry = this.#byUrl.get(baseUrl);
    if (!entry) return;
    const wasProbe = entry.probing || entry.openUntil !== 0;
    entry.failures++;
    entry.consecutiveFailures++;
    entry.probing = false;
    if (wasProbe || options.openNow || entry.consecutiveFailures >= this.#threshold) {
      entry.openUntil = this.#now() + (options.cooldownMs ?? this.#cooldownMs);
    }
  }

  /** Every upstream's health, for the status endpoint. */
  snapshot(): UpstreamHealth[] {
    const now = this.#now();
    return this.#entries.map((e) => ({
      base_url: e.baseUrl,
      state: stateOf(e, now),
      consecutive_failures: e.consecutiveFailures,
      cooldown_remaining_ms: e.openUntil > now ? e.openUntil - now : 0,
      usage_exhausted: e.exhausted,
      requests: e.requests,
      failures: e.failures,
    }));
  }
}

function newEntry(baseUrl: string): Entry {
  return {
    baseUrl,
    consecutiveFailures: 0,
    openUntil: 0,
    probing: false,
    exhausted: false,
    requests: 0,
    failures: 0,
  };
}

function stateOf(e: Entry, now: number): BreakerState {
  if (e.openUntil === 0) return "closed";
  return e.openUntil > now ? "open" : "half_open";
}

function isAvailable(e: Entry, now: number): boolean {
  if (e.openUntil === 0) return true;
  return e.openUntil <= now && !e.probing;
}
