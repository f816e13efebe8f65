/** Asks a port whether a codex-helper proxy answers there, and for its status. */
import { isProxyStatus, type ProxyStatus, STATUS_NAME, STATUS_PATH } from "./status.ts";

/** Who answers on a port. */
export type ProbeResult = "codex-helper" | "other" | "none";

/** Probes one loopback port (injectable in tests). */
export type ProbePort = (port: number) => Promise<ProbeResult>;

/** Options of {@linkcode askProxy} and the functions built on it. */
export interface ProbeProxyOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  fetch?: typeof fetch;
  /** Give up after this long (default 2000 ms); a silent listener counts as "other". */
  timeoutMs?: number;
}

/** Who answers, and the status JSON as sent when it is a codex-helper (else null). */
export interface ProxyAnswer {
  found: ProbeResult;
  body: Record<string, unknown> | null;
}

/**
 * `GET http://<host>:<port>/__codex_helper/status`: "codex-helper" when the JSON reply has
 * `"name": "codex-helper"`, "other" when something else answers, "none" when nothing listens.
 */
export async function askProxy(
  port: number,
  options: ProbeProxyOptions = {},
): Promise<ProxyAnswer> {
  const host = options.host ?? "127.0.0.1";
  const name = host.includes(":") ? `[${host}]` : host;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`http://${name}:${port}${STATUS_PATH}`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
  } catch (error) {
    const timeout = error instanceof DOMException && error.name === "TimeoutError";
    return { found: timeout ? "other" : "none", body: null };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || typeof body !== "object" || body === null || Array.isArray(body)) {
    return { found: "other", body: null };
  }
  const record = body as Record<string, unknown>;
  return record.name === STATUS_NAME
    ? { found: "codex-helper", body: record }
    : { found: "other", body: null };
}

/** Who answers on a loopback port (see {@linkcode askProxy}). */
export async function probeProxy(
  port: number,
  options: ProbeProxyOptions = {},
): Promise<ProbeResult> {
  return (await askProxy(port, options)).found;
}

/** The status of the codex-helper at `host:port`; undefined when nothing (or not codex-helper) answers. */
export async function fetchProxyStatus(
  host: string,
  port: number,
  options: Omit<ProbeProxyOptions, "host"> = {},
): Promise<ProxyStatus | undefined> {
  const { body } = await askProxy(port, { ...options, host });
  return isProxyStatus(body) ? body : undefined;
}
