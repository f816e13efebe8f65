/** The proxy as a function: `Request -> Response`, with failover, the request log and status. */
import { redactUrl } from "../config/redact_url.ts";
import type { Ledger } from "../usage/ledger.ts";
import { VERSION } from "../version.ts";
import type { RequestFilter } from "./filter.ts";
import type { ActiveConfig, ConfigSource } from "./live_config.ts";
import { type InFlight, PAGES_PREFIX, type ProxyPages } from "./pages.ts";
import { jsonError, proxyRequest } from "./proxy_request.ts";
import { createRequestTracker } from "./request_tracker.ts";
import {
  checkAccess,
  createAccessTokenKeeper,
  isLoopbackAddr,
  isLoopbackHost,
} from "./security.ts";
import {
  createCounters,
  type ProxyCounters,
  type ProxyStatus,
  STATUS_NAME,
  STATUS_PATH,
} from "./status.ts";
import { UpstreamPool } from "./upstream_pool.ts";
import { declineWebSocket, isWebSocketUpgrade } from "./websocket.ts";

/** Options of {@linkcode createHandler}. */
export interface HandlerOptions {
  source: ConfigSource;
  /** Shared with the quota poller; created from the first config when absent. */
  pool?: UpstreamPool;
  ledger?: Ledger;
  /** Pages under `/__codex_helper/` (the dashboard); without them those paths are forwarded. */
  pages?: ProxyPages;
  filter?: RequestFilter;
  /** Listening on a non-loopback address: any Host is accepted, the access token is required. */
  allowRemote?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
  /** Aborting it cuts every in-flight request (end of graceful shutdown). */
  shutdown?: AbortSignal;
  /** Called when a request to an upstream has finished (the quota poller refreshes then). */
  onUpstreamRequestComplete?: (baseUrl: string) => void;
  /** The port for the status endpoint. */
  port?: () => number | null;
  /** Quota providers for the status endpoint. */
  providers?: () => unknown[];
  /** Counters; pass your own to read them from outside. */
  counters?: ProxyCounters;
  /** Told about problems worth a warning (e.g. the access token removed while remote). */
  warn?: (message: string) => void;
}

/** A proxy request handler; `info` (from `Deno.serve`) gives the peer address. */
export type ProxyHandler = (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response>;

function pathOf(url: string): string {
  return url.slice(url.indexOf("/", url.indexOf("//") + 2));
}

/** A `.` or `..` segment (also percent-encoded or after `\`), which URL parsing would resolve. */
const DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e){1,2}(?:[/\\]|$)/i;

function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  return url.slice(start, url.indexOf("/", start));
}

/** Builds the handler. One per server; state (breakers, counters) lives in it. */
export function createHandler(opts: HandlerOptions): ProxyHandler {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const inFlight: InFlight | undefined = opts.pages ? new Set() : undefined;
  const counters = opts.counters ?? createCounters();
  let pool = opts.pool;
  let lastActive: ActiveConfig | undefined;
  const keepToken = createAccessTokenKeeper(opts.warn);

  const sync = (active: ActiveConfig): UpstreamPool => {
    if (active === lastActive && pool) return pool;
    const settings = {
      failureThreshold: active.settings.failure_threshold,
      cooldownMs: active.settings.cooldown_secs * 1000,
    };
    const urls = active.upstreams.map((u) => u.baseUrl);
    if (!pool) pool = new UpstreamPool(urls, { ...settings, now });
    else {
      pool.setSettings(settings);
      pool.setUpstreams(urls);
    }
    lastActive = active;
    return pool;
  };

  const status = async (): Promise<ProxyStatus> => {
    const active = await opts.source.current();
    const p = sync(active);
    return {
      name: STATUS_NAME,
      service: active.service,
      version: VERSION,
      pid: Deno.pid,
      port: opts.port?.() ?? null,
      uptime_secs: Math.floor((now() - startedAt) / 1000),
      active_config: active.configName,
      upstreams: p.snapshot().map((u) => ({ ...u, base_url: redactUrl(u.base_url) })),
      providers: opts.providers?.() ?? [],
      counters: { ...counters },
    };
  };

  return async function handle(req, info) {
    const path = pathOf(req.url);
    const q = path.indexOf("?");
    const pathname = q === -1 ? path : path.slice(0, q);
    if (pathname === STATUS_PATH) {
      const host = req.headers.get("host") ?? hostOf(req.url);
      if (!isLoopbackAddr(info?.remoteAddr) || !isLoopbackHost(host) || req.headers.has("origin")) {
        return jsonError(403, "forbidden", "The status endpoint answers loopback clients only");
      }
      return Response.json(await status(), { headers: { "cache-control": "no-store" } });
    }
    if (opts.pages && pathname.startsWith(PAGES_PREFIX)) {
      return await opts.pages.handle(req, {
        ...(info ? { info } : {}),
        status,
        inFlight: () => [...inFlight ?? []],
      });
    }
    const active = await opts.source.current();
    // once remote, a token stays required even if config.json loses it
    const accessToken = opts.allowRemote ? keepToken(active.settings.access_token) : undefined;
    const refusal = checkAccess(req.headers, {
      allowRemote: opts.allowRemote ?? false,
      fallbackHost: hostOf(req.url),
      ...(accessToken !== undefined ? { accessToken } : {}),
    });
    if (refusal) return jsonError(refusal.status, "forbidden", refusal.message);
    if (isWebSocketUpgrade(req)) return declineWebSocket();
    if (DOT_SEGMENT.test(pathname)) {
      // joined to a base URL, it would climb out of the base's path
      return jsonError(400, "invalid_request", `Path "${pathname}" has a "." or ".." segment`);
    }
    if (req.method === "HEAD" && pathname === "/") return new Response(null, { status: 200 });
    const browserAnswer = answerBrowser(req, pathname);
    if (browserAnswer) return browserAnswer;

    const tracker = createRequestTracker({
      active,
      method: req.method,
      pathname,
      counters,
      now,
      ...(opts.ledger ? { ledger: opts.ledger } : {}),
      ...(opts.pages && inFlight ? { onRecord: opts.pages.onRecord, inFlight } : {}),
    });
    try {
      return await proxyRequest(req, {
        active,
        pool: sync(active),
        tracker,
        path,
        now,
        ...(accessToken !== undefined ? { accessToken } : {}),
        ...(opts.filter ? { filter: opts.filter } : {}),
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        ...(opts.shutdown ? { shutdown: opts.shutdown } : {}),
        ...(opts.onUpstreamRequestComplete
          ? { onUpstreamRequestComplete: opts.onUpstreamRequestComplete }
          : {}),
      });
    } catch (error) {
      tracker.finish(502, "proxy_error");
      const message = error instanceof Error ? error.message : String(error);
      return jsonError(502, "proxy_error", `Internal proxy error: ${message}`);
    }
  };
}

/**
 * A browser opening the proxy's address (or asking for its icon) is answered here: relayed, it
 * would reach the upstream with the upstream's key and land in the request log. No client of the
 * proxy navigates to a page.
 */
function answerBrowser(req: Request, pathname: string): Response | undefined {
  if (req.method !== "GET") return undefined;
  if (pathname === "/favicon.ico") {
    return new Response(null, { status: 204, headers: { "cache-control": "max-age=86400" } });
  }
  if (pathname === "/" && req.headers.get("sec-fetch-mode") === "navigate") {
    return new Response(
      `codex-helper ${VERSION} proxies Codex and Claude Code requests here.\n` +
        'The dashboard\'s address, with its key, is the "dashboard:" line printed by serve.\n',
      { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } },
    );
  }
  return undefined;
}
