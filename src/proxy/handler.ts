/** The proxy as a function: `Request -> Response`, with failover, the request log and status. */
import type { AttemptRecord, Outcome, RequestRecord } from "../usage/log_record.ts";
import type { Ledger } from "../usage/ledger.ts";
import { createUsageParser } from "../usage/record.ts";
import { VERSION } from "../version.ts";
import { attemptUpstream, buildTargetUrl, type FailedAttempt } from "./forward.ts";
import type { RequestFilter } from "./filter.ts";
import { buildClientHeaders, buildUpstreamHeaders } from "./headers.ts";
import type { ActiveConfig, ConfigSource } from "./live_config.ts";
import { readRequestBody } from "./request_body.ts";
import { createRelayStream, type RelayEnd } from "./relay_stream.ts";
import { ACCESS_TOKEN_HEADER, checkAccess, isLoopbackAddr, isLoopbackHost } from "./security.ts";
import {
  createCounters,
  type ProxyCounters,
  type ProxyStatus,
  STATUS_NAME,
  STATUS_PATH,
} from "./status.ts";
import { UpstreamPool } from "./upstream_pool.ts";

/** Options of {@linkcode createHandler}. */
export interface HandlerOptions {
  source: ConfigSource;
  /** Shared with the quota poller; created from the first config when absent. */
  pool?: UpstreamPool;
  ledger?: Ledger;
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
}

/** A proxy request handler; `info` (from `Deno.serve`) gives the peer address. */
export type ProxyHandler = (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response>;

function jsonError(status: number, type: string, message: string, extra: object = {}): Response {
  return Response.json({ error: { type, message, ...extra } }, { status });
}

function pathOf(url: string): string {
  return url.slice(url.indexOf("/", url.indexOf("//") + 2));
}

function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  return url.slice(start, url.indexOf("/", start));
}

/** Builds the handler. One per server; state (breakers, counters) lives in it. */
export function createHandler(opts: HandlerOptions): ProxyHandler {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const counters = opts.counters ?? createCounters();
  let pool = opts.pool;
  let lastActive: ActiveConfig | undefined;

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
      upstreams: p.snapshot(),
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
    const active = await opts.source.current();
    const refusal = checkAccess(req.headers, {
      allowRemote: opts.allowRemote ?? false,
      fallbackHost: hostOf(req.url),
      ...(opts.allowRemote && active.settings.access_token !== undefined
        ? { accessToken: active.settings.access_token }
        : {}),
    });
    if (refusal) return jsonError(refusal.status, "forbidden", refusal.message);
    if (req.method === "HEAD" && pathname === "/") return new Response(null, { status: 200 });

    const p = sync(active);
    const start = now();
    counters.requests++;
    counters.active++;
    const attempts: AttemptRecord[] = [];
    const record = (
      statusCode: number,
      outcome: Outcome,
      extra: Partial<RequestRecord> = {},
    ): void => {
      opts.ledger?.append({
        timestamp_ms: start,
        service: active.service,
        method: req.method,
        path: pathname,
        status_code: statusCode,
        duration_ms: now() - start,
        config_name: active.configName,
        upstream_base_url: null,
        usage: null,
        model: null,
        ttfb_ms: null,
        outcome,
        attempts,
        ...extra,
      });
    };
    const done = (outcome: Outcome): void => {
      counters.active--;
      if (outcome === "completed") counters.completed++;
      else if (outcome === "upstream_error" || outcome === "proxy_error") counters.failed++;
      else counters[outcome]++;
    };

    const body = await readRequestBody(req, active.settings.max_body_bytes);
    if (body === "too_large") {
      record(413, "proxy_error");
      done("proxy_error");
      return jsonError(
        413,
        "request_too_large",
        `Request body exceeds proxy.max_body_bytes (${active.settings.max_body_bytes} bytes)`,
      );
    }
    if (body === "aborted") {
      record(499, "client_aborted");
      done("client_aborted");
      return new Response(null, { status: 499 });
    }
    const sent = body && opts.filter ? await opts.filter.apply(body) : body;
    const signals = opts.shutdown ? [req.signal, opts.shutdown] : [req.signal];
    const plan = p.plan();
    let last: FailedAttempt | undefined;
    for (let i = 0; i < plan.length; i++) {
      const baseUrl = plan[i]!;
      const upstream = active.upstreams.find((u) => u.baseUrl === baseUrl)!;
      p.recordAttempt(baseUrl);
      const t0 = now();
      const result = await attemptUpstream({
        url: buildTargetUrl(baseUrl, path),
        method: req.method,
        headers: buildUpstreamHeaders(req.headers, upstream.auth, { drop: [ACCESS_TOKEN_HEADER] }),
        body: sent,
      }, {
        headerTimeoutMs: active.settings.header_timeout_secs * 1000,
        firstEventTimeoutMs: active.settings.stream_idle_timeout_secs * 1000,
        signals,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
      attempts.push({
        upstream_base_url: baseUrl,
        status_code: result.kind === "commit" ? result.response.status : result.status,
        error: result.kind === "commit" ? null : result.error,
        duration_ms: now() - t0,
      });
      if (result.kind === "failed") {
        if (result.aborted) {
          for (const rest of plan.slice(i)) p.release(rest);
          record(499, "client_aborted", { upstream_base_url: baseUrl });
          done("client_aborted");
          return new Response(null, { status: 499 });
        }
        const retry = result.retryAfterMs;
        p.recordFailure(baseUrl, retry === undefined ? {} : { cooldownMs: retry, openNow: true });
        opts.onUpstreamRequestComplete?.(baseUrl);
        last = result;
        continue;
      }
      for (const rest of plan.slice(i + 1)) p.release(rest);
      p.recordSuccess(baseUrl);
      const ttfb = now() - start;
      const res = result.response;
      const bodyStream = createRelayStream({
        head: result.head,
        reader: result.reader,
        abort: result.abort,
        idleTimeoutMs: active.settings.stream_idle_timeout_secs * 1000,
        parser: createUsageParser(res.headers.get("content-type")),
        ...(opts.shutdown ? { shutdown: opts.shutdown } : {}),
        onEnd(end: RelayEnd, usage) {
          if (end === "stream_cut" || end === "stream_stalled") p.recordFailure(baseUrl);
          const outcome: Outcome = end === "completed" && result.clientError
            ? "upstream_error"
            : end;
          record(res.status, outcome, {
            upstream_base_url: baseUrl,
            usage: usage.usage,
            model: usage.model,
            ttfb_ms: ttfb,
          });
          done(outcome);
          opts.onUpstreamRequestComplete?.(baseUrl);
        },
      });
      return new Response(req.method === "HEAD" ? null : bodyStream, {
        status: res.status,
        statusText: res.statusText,
        headers: buildClientHeaders(res.headers),
      });
    }
    if (last?.reply) {
      const reply = last.reply;
      record(reply.status, "upstream_error", {
        upstream_base_url: attempts.at(-1)!.upstream_base_url,
      });
      done("upstream_error");
      return new Response(reply.body as BodyInit, {
        status: reply.status,
        headers: buildClientHeaders(reply.headers),
      });
    }
    const message = plan.length === 0
      ? `No upstreams in the active config ("${active.configName ?? "none"}")`
      : "Every upstream failed";
    record(502, "proxy_error");
    done("proxy_error");
    return jsonError(502, "proxy_error", message, { attempts });
  };
}
