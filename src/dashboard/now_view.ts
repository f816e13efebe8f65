/** The dashboard's Now panel: the pool, quota and counters (as `status` reads them) and live streams. */
import { redactUrl } from "../config/redact_url.ts";
import type { ProxyView } from "../proxy/pages.ts";
import { type LiveStatus, parseLiveStatus } from "../status/live_status.ts";

/** One request still running. */
export interface ActiveStreamView {
  started_ms: number;
  elapsed_ms: number;
  method: string;
  path: string;
  /** Upstreams tried so far (failed attempts), masked. */
  attempts: string[];
}

/** The Now panel's JSON. */
export interface NowView extends LiveStatus {
  now_ms: number;
  started_at_ms: number;
  active_streams: ActiveStreamView[];
}

/** Builds the panel from what the proxy shows about itself at this moment. */
export async function readNowView(view: ProxyView, now: number): Promise<NowView> {
  const status = await view.status();
  const live = parseLiveStatus(status as unknown as Record<string, unknown>);
  return {
    ...live,
    now_ms: now,
    started_at_ms: now - status.uptime_secs * 1000,
    active_streams: view.inFlight().map((t) => ({
      started_ms: t.start,
      elapsed_ms: Math.max(0, now - t.start),
      method: t.method,
      path: t.pathname,
      attempts: t.attempts.map((a) => redactUrl(a.upstream_base_url)),
    })),
  };
}
