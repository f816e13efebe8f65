/** Asks a port whether a codex-helper proxy answers there. */

/** The path every codex-helper proxy answers with its name. */
export const STATUS_PATH = "/__codex_helper/status";

/** Who answers on a port. */
export type ProbeResult = "codex-helper" | "other" | "none";

/** Probes one loopback port (injectable in tests). */
export type ProbePort = (port: number) => Promise<ProbeResult>;

/** Options of {@linkcode probeProxy}. */
export interface ProbeProxyOptions {
  fetch?: typeof fetch;
  /** Give up after this long (default 2000 ms); a silent listener counts as "other". */
  timeoutMs?: number;
}

/**
 * `GET http://127.0.0.1:<port>/__codex_helper/status`: "codex-helper" when the JSON reply has
 * `"name": "codex-helper"`, "other" when something else answers, "none" when nothing listens.
 */
export async function probeProxy(
  port: number,
  options: ProbeProxyOptions = {},
): Promise<ProbeResult> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 2000);
  let response: Response;
  try {
    response = await doFetch(`http://127.0.0.1:${port}${STATUS_PATH}`, { signal });
  } catch (error) {
    return error instanceof DOMException && error.name === "TimeoutError" ? "other" : "none";
  }
  try {
    const body: unknown = await response.json();
    return response.ok && typeof body === "object" && body !== null &&
        (body as Record<string, unknown>).name === "codex-helper"
      ? "codex-helper"
      : "other";
  } catch {
    return "other";
  }
}
