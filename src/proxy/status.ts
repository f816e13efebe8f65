/** `GET /__codex_helper/status`: what a running proxy reports about itself. Never a secret. */
import type { Service } from "../config/schema.ts";
import type { UpstreamHealth } from "./upstream_pool.ts";

/** The status endpoint's path. */
export const STATUS_PATH = "/__codex_helper/status";

/** The name every codex-helper status reply carries, so other commands can recognise one. */
export const STATUS_NAME = "codex-helper";

/** Request counters since start. */
export interface ProxyCounters {
  requests: number;
  active: number;
  completed: number;
  failed: number;
  stream_cut: number;
  stream_stalled: number;
  client_aborted: number;
  /** Streams cut by the proxy's own shutdown. */
  shutdown: number;
}

/** The status endpoint's JSON. */
export interface ProxyStatus {
  name: typeof STATUS_NAME;
  service: Service;
  version: string;
  pid: number;
  port: number | null;
  uptime_secs: number;
  active_config: string | null;
  upstreams: UpstreamHealth[];
  /** Quota providers (filled by the usage poller). */
  providers: unknown[];
  counters: ProxyCounters;
}

/** Fresh zero counters. */
export function createCounters(): ProxyCounters {
  return {
    requests: 0,
    active: 0,
    completed: 0,
    failed: 0,
    stream_cut: 0,
    stream_stalled: 0,
    client_aborted: 0,
    shutdown: 0,
  };
}

/** True when `value` is the status JSON of a codex-helper. */
export function isProxyStatus(value: unknown): value is ProxyStatus {
  return typeof value === "object" && value !== null &&
    (value as Record<string, unknown>).name === STATUS_NAME;
}
