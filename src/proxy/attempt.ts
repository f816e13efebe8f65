/**
 * One request's try of one upstream, with an exactly-once lifecycle: planned (a half-open probe
 * may be claimed), maybe sent, then settled once with the breaker's verdict. An attempt never
 * sent is released; an attempt settled twice keeps its first verdict.
 */
import type { Verdict } from "./stream_end.ts";
import type { FailureOptions, UpstreamPool } from "./upstream_pool.ts";

/** Options of {@linkcode planAttempts}. */
export interface PlanAttemptsOptions {
  /** Told once per sent attempt when it is settled (the quota poller refreshes then). */
  onSettled?: (baseUrl: string) => void;
}

/** One upstream's attempt for one request. */
export class UpstreamAttempt {
  readonly baseUrl: string;
  #pool: UpstreamPool;
  #onSettled: ((baseUrl: string) => void) | undefined;
  #sent = false;
  #settled = false;

  constructor(pool: UpstreamPool, baseUrl: string, options: PlanAttemptsOptions = {}) {
    this.#pool = pool;
    this.baseUrl = baseUrl;
    this.#onSettled = options.onSettled;
  }

  /** True once the verdict is in (or the attempt was released). */
  get settled(): boolean {
    return this.#settled;
  }

  /** The request goes to this upstream now (counted once). */
  send(): void {
    if (this.#sent || this.#settled) return;
    this.#sent = true;
    this.#pool.recordAttempt(this.baseUrl);
  }

  /**
   * The pool hears the verdict: a success closes the breaker, a failure counts toward opening it,
   * `none` (or an attempt never sent) only frees a claimed probe. The first call wins.
   */
  settle(verdict: Verdict, options: FailureOptions = {}): void {
    if (this.#settled) return;
    this.#settled = true;
    if (!this.#sent || verdict === "none") this.#pool.release(this.baseUrl);
    else if (verdict === "success") this.#pool.recordSuccess(this.baseUrl);
    else this.#pool.recordFailure(this.baseUrl, options);
    if (this.#sent) this.#onSettled?.(this.baseUrl);
  }
}

/** The attempts for one request, in the pool's order (claims half-open probes now). */
export function planAttempts(
  pool: UpstreamPool,
  options: PlanAttemptsOptions = {},
): UpstreamAttempt[] {
  return pool.plan().map((baseUrl) => new UpstreamAttempt(pool, baseUrl, options));
}
