/** Pages the proxy serves under `/__codex_helper/` besides its status (the dashboard plugs in here). */
import type { RequestRecord } from "../usage/log_record.ts";
import type { RequestTracker } from "./request_tracker.ts";
import type { ProxyStatus } from "./status.ts";

/** Every path under this prefix is the proxy's own, never forwarded. */
export const PAGES_PREFIX = "/__codex_helper/";

/** The requests started and not yet finished (kept only while pages are plugged in). */
export type InFlight = Set<RequestTracker>;

/** What the proxy shows its pages about itself, read when a page asks. */
export interface ProxyView {
  /** The peer, from `Deno.serve` (absent in-process: treated as loopback). */
  info?: Deno.ServeHandlerInfo;
  /** The status endpoint's document (URLs masked). */
  status(): Promise<ProxyStatus>;
  /** Requests started and not yet finished, oldest first. */
  inFlight(): readonly RequestTracker[];
}

/** A set of pages under {@linkcode PAGES_PREFIX}. */
export interface ProxyPages {
  /** Answers one request whose path starts with {@linkcode PAGES_PREFIX}. */
  handle(req: Request, view: ProxyView): Promise<Response>;
  /** Receives every finished request record, after the request log. */
  onRecord(record: RequestRecord): void;
}
