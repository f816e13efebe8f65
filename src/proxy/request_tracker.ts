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
  /** Receives the finished record right after the ledger (the dashboard's live feed). */
  onRecord?: (record: RequestRecord) => void;
  /** Holds the tracker from its start to its finish (the dashboard's active streams). */
  inFlight?: Set<RequestTracker>;
}

/** Tracks one request from its start to its log line. */
export interface RequestTracker {
  readonly start: number;
  readonly method: string;
  readonly pathname: string;
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
  const tracker: RequestTracker = {
    start,
    method: options.method,
    pathname: options.pathname,
    attempts,
    finish(statusCode, outcome, extra = {}) {
      if (finished) return;
      finished = true;
      counters.active--;
      options.inFlight?.delete(tracker);
      if (outcome === "completed") counters.completed++;
      else if (outcome === "upstream_error" || outcome === "proxy_error") counters.failed++;
      else counters[outcome]++;
      const record: RequestRecord = {
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
      };
      options.ledger?.append(record);
      options.onRecord?.(record);
    },
  };
  options.inFlight?.add(tracker);
  return tracker;
}
