/** Asks a loopback port whether a codex-helper proxy answers there. */

/** Who answers on a port. */
export type ProbeResult = "codex-helper" | "other" | "none";

/** Probes one loopback port. */
export type ProbePort = (port: number) => Promise<ProbeResult>;

/** Options of {@linkcode probeStatus}. */
export interface ProbeStatusOptions {
  fetch?: typeof fetch;
  /** Defaults to 2 s. */
  timeoutMs?: number;
}

/** The status path every codex-helper proxy answers. */
export const STATUS_PATH = "/__codex_helper/status";

/**
 * `GET http://127.0.0.1:<port>/__codex_helper/status`: "codex-helper" when the JSON says
 * `"name": "codex-helper"`, "other" when something else answers, "none" when nothing does.
 */
export async function probeStatus(
  port: number,
  options: ProbeStatusOptions = {},
): Promise<ProbeResult> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 2000);
  let response: Response;
  try {
    response = await doFetch(`http://127.0.0.1:${port}${STATUS_PATH}`, { signal });
  } catch (error) {
    // A port that accepts but never answers is taken by something else.
    return error instanceof DOMException && error.name === "TimeoutError" ? "other" : "none";
  }
  try {
    const body = await response.json() as { name?: unknown } | null;
    return response.ok && body?.name === "codex-helper" ? "codex-helper" : "other";
  } catch {
    return "other";
  }
}
