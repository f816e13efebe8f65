/** Whether `run` can use a codex-helper that already serves the port, asked via its status. */
import type { Service } from "../config/schema.ts";
import { fetchProxyStatus } from "../proxy/probe.ts";
import type { ProxyStatus } from "../proxy/status.ts";

/** What answers on the port: a proxy to reuse, or why a new one is started. */
export type ProxyLookup =
  | { reuse: true; status: ProxyStatus }
  | { reuse: false; reason: string | undefined };

/** Options of {@linkcode findReusableProxy}. */
export interface FindReusableProxyOptions {
  service: Service;
  /** The config `run` wants; any config serves when undefined (the running proxy's active one). */
  configName?: string | undefined;
  /** Defaults to 127.0.0.1. */
  host?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Reuses a codex-helper on `port` that serves `service` (and `configName`, when given). The
 * reason is set only when something else answers there; nothing listening is the usual case.
 */
export async function findReusableProxy(
  port: number,
  options: FindReusableProxyOptions,
): Promise<ProxyLookup> {
  const host = options.host ?? "127.0.0.1";
  const status = await fetchProxyStatus(host, port, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  if (status === undefined) return { reuse: false, reason: undefined };
  const who = `the codex-helper on port ${port} (pid ${status.pid})`;
  if (status.service !== options.service) {
    return { reuse: false, reason: `${who} serves ${status.service}` };
  }
  if (options.configName !== undefined && status.active_config !== options.configName) {
    return {
      reuse: false,
      reason: `${who} serves config "${status.active_config ?? "(none)"}"`,
    };
  }
  if (status.active_config === null || status.upstreams.length === 0) {
    return { reuse: false, reason: `${who} has no upstreams` };
  }
  // listening beyond loopback it wants proxy.access_token from every client, which run lacks
  const name = host.includes(":") ? `[${host}]` : host;
  const probe = await (options.fetch ?? fetch)(`http://${name}:${port}/`, {
    method: "HEAD",
    signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
  }).catch(() => undefined);
  if (probe === undefined || probe.status === 401 || probe.status === 403) {
    return {
      reuse: false,
      reason: probe === undefined ? `${who} did not answer` : `${who} requires an access token`,
    };
  }
  return { reuse: true, status };
}
