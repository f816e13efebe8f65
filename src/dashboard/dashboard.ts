/**
 * The dashboard under `/__codex_helper/`: a page and its read-only data, for loopback browsers
 * holding this process's secret. Plugged into the proxy as its {@linkcode ProxyPages}.
 */
import type { Paths } from "../config/paths.ts";
import type { ProxyPages, ProxyView } from "../proxy/pages.ts";
import {
  checkDashboardOrigin,
  createDashboardSecret,
  formatSecretCookie,
  hasSecretCookie,
  requestHost,
  TOKEN_PARAM,
} from "./dashboard_access.ts";
import { timingSafeEqual } from "../proxy/security.ts";
import { type Asset, loadAssets } from "./dashboard_assets.ts";
import { createLiveFeed, type LiveFeed } from "./live_feed.ts";
import { readNowView } from "./now_view.ts";
import { readRecentRecords } from "./recent_records.ts";
import { readSwitchesView, type SwitchesView } from "./switches_view.ts";
import { readUsageViewOffThread } from "./usage_off_thread.ts";
import type { UsageView } from "./usage_view.ts";

/** The dashboard's own path. */
export const DASHBOARD_PATH = "/__codex_helper/";

/** Options of {@linkcode createDashboard}. */
export interface DashboardOptions {
  /** The files it reads: requests.jsonl, and those `status` reads for the switch panel. */
  paths: Paths;
  /** This proxy's service (its feed and streams); usage covers the whole log, as `usage summary`. */
  service: "codex" | "claude";
  /** Defaults to a fresh random secret. */
  secret?: string;
  now?: () => number;
  /** For the switch panel's probes of the two proxy ports. */
  fetch?: typeof fetch;
  /** How long a usage or switch answer is reused (default 1 s): many tabs read the log once. */
  cacheMs?: number;
  /** The feed's keep-alive interval. */
  keepAliveMs?: number;
}

/** A dashboard: the proxy's pages plus what `serve` needs to print and stop it. */
export interface Dashboard extends ProxyPages {
  /** The address to open: `http://<host>:<port>/__codex_helper/?token=<secret>`. */
  urlFor(hostAndPort: string): string;
  readonly feed: LiveFeed;
  /** Ends every open feed (at shutdown, so no page holds the server open). */
  close(): void;
}

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
};

function withHeaders(res: Response): Response {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
  return res;
}

function jsonReply(status: number, body: unknown): Response {
  return withHeaders(Response.json(body, { status }));
}

function errorReply(status: number, message: string): Response {
  return jsonReply(status, { error: { type: "forbidden", message } });
}

const LOCKED_PAGE = `<!doctype html><meta charset="utf-8"><title>codex-helper</title>
<link rel="icon" href="data:,">
<p>Open the dashboard with the address <code>codex-helper serve</code> printed (it carries this
process's key). / 请使用 <code>codex-helper serve</code> 打印的地址打开看板（地址中带有本进程的密钥）。</p>`;

function lockedPage(status: number): Response {
  return withHeaders(
    new Response(LOCKED_PAGE, { status, headers: { "content-type": "text/html; charset=utf-8" } }),
  );
}

/** Shares one computation among callers for `ms`. */
function cached<T>(ms: number, now: () => number, compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  let at = 0;
  return () => {
    if (value === undefined || now() - at >= ms) {
      at = now();
      value = compute();
      value.catch(() => value = undefined);
    }
    return value;
  };
}

/** Creates the dashboard (nothing is read until a page asks). */
export function createDashboard(options: DashboardOptions): Dashboard {
  const now = options.now ?? Date.now;
  const secret = options.secret ?? createDashboardSecret();
  const feed = createLiveFeed(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {});
  const cacheMs = options.cacheMs ?? 1000;
  const startedAt = now();
  const usage = cached<UsageView>(
    cacheMs,
    now,
    () =>
      readUsageViewOffThread(options.paths.requestLog, {
        now: now(),
        service: options.service,
        ttfbSinceMs: startedAt,
      }),
  );
  let ownPort: number | null = null;
  const switches = cached<SwitchesView>(cacheMs, now, () =>
    readSwitchesView(options.paths, {
      port: ownPort,
      pid: Deno.pid,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }));

  async function asset(name: string): Promise<Response> {
    let assets: Map<string, Asset>;
    try {
      assets = await loadAssets();
    } catch (error) {
      return errorReply(500, error instanceof Error ? error.message : String(error));
    }
    const file = assets.get(name);
    if (file === undefined) return errorReply(404, `No dashboard file "${name}"`);
    return withHeaders(
      new Response(file.body, { headers: { "content-type": file.contentType } }),
    );
  }

  async function api(name: string, req: Request, view: ProxyView): Promise<Response> {
    switch (name) {
      case "now":
        return jsonReply(200, await readNowView(view, now()));
      case "usage":
        return jsonReply(200, await usage());
      case "switches": {
        ownPort ??= (await view.status()).port;
        return jsonReply(200, await switches());
      }
      case "recent":
        return jsonReply(
          200,
          await readRecentRecords(options.paths.requestLog, { service: options.service }),
        );
      case "feed":
        return withHeaders(feed.open(req.signal));
      default:
        return errorReply(404, `No dashboard endpoint "${name}"`);
    }
  }

  return {
    feed,
    urlFor: (hostAndPort) => `http://${hostAndPort}${DASHBOARD_PATH}?${TOKEN_PARAM}=${secret}`,
    onRecord: (record) => feed.publish(record),
    close: () => feed.close(),
    async handle(req, view) {
      const refusal = checkDashboardOrigin(req, view.info);
      if (refusal) return errorReply(refusal.status, refusal.message);
      const url = new URL(req.url);
      const rest = url.pathname.slice(DASHBOARD_PATH.length);
      const token = url.searchParams.get(TOKEN_PARAM);
      if (rest === "" && token !== null) {
        if (!timingSafeEqual(token, secret)) return lockedPage(401);
        // the secret leaves the address bar and the history at once
        return withHeaders(
          new Response(null, {
            status: 303,
            headers: {
              location: DASHBOARD_PATH,
              "set-cookie": formatSecretCookie(requestHost(req), secret),
            },
          }),
        );
      }
      if (!hasSecretCookie(req, secret)) {
        return rest === "" ? lockedPage(401) : errorReply(401, "Missing or wrong dashboard key");
      }
      if (rest === "") return await asset("index.html");
      if (rest.startsWith("assets/")) return await asset(rest.slice("assets/".length));
      if (rest.startsWith("api/")) {
        try {
          return await api(rest.slice("api/".length), req, view);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return jsonReply(500, { error: { type: "dashboard_error", message } });
        }
      }
      return errorReply(404, `No dashboard page "${rest}"`);
    },
  };
}
