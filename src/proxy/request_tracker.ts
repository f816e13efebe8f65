/** One client request's bookkeeping: its attempts, its log line and the counters, exactly once. */
import type { Ledger } from "../usage/ledger.ts";
import type { AttemptRecord, Outcome, RequestRecord } from "../usage/log_record.ts";
import type { ActiveConfig } from "./live_config.ts";
import type { ProxyCounters } from "./status.ts";

/** Options of {@linkcode createRequestTracker}. */
export interface RequestTrackerOptions {
  active: ActiveConfig;
  method: string;
  /** The path without its query (a query may carry secrets). */
  pathname: string;
  counters: ProxyCounters;
  ledger?: Ledger;
  now: () => number;
}

/** Tracks one request from its start to its log line. */
export interface RequestTracker {
  readonly start: number;
  readonly attempts: AttemptRecord[];
  /** Writes the log line and updates the counters; later calls are ignored. */
  finish(statusCode: number, outcome: Outcome, extra?: Partial<RequestRecord>): void;
}

/** Starts tracking a request (counts it as active). */
export function createRequestTracker(options: RequestTrackerOptions): RequestTracker {
  const { counters, now } = options;
  const start = now();
  const attempts: AttemptRecord[] = [];
  let finished = false;
  counters.requests++;
  counters.active++;
  return {
    start,
    attempts,
    finish(statusCode, outcome, extra = {}) {
      if (finished) return;
      finished = true;
      counters.active--;
      if (outcome === "completed") counters.completed++;
      else if (outcome === "upstream_error" || outcome === "proxy_error") counters.failed++;
      else counters[outcome]++;
      options.ledger?.append({
        timestamp_ms: start,
        service: options.active.service,
        method: options.method,
        path: options.pathname,
        status_code: statusCode,
        duration_ms: now() - start,
        config_name: options.active.configName,
        upstream_base_url: null,
        usage: null,
        model: null,
        ttfb_ms: null,
        outcome,
        attempts,
        ...extra,
      });
    },
  };
}
