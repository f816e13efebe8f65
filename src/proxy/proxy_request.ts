/** Forwards one client request: read the body once, try the pool in order, relay the winner. */
import { redactUrl } from "../config/redact_url.ts";
import type { Outcome } from "../usage/log_record.ts";
import { createUsageParser } from "../usage/record.ts";
import { attemptUpstream, buildTargetUrl, type FailedAttempt } from "./forward.ts";
import type { RequestFilter } from "./filter.ts";
import { buildClientHeaders, buildUpstreamHeaders } from "./headers.ts";
import type { ActiveConfig } from "./live_config.ts";
import { createRelayStream } from "./relay_stream.ts";
import { readRequestBody } from "./request_body.ts";
import type { RequestTracker } from "./request_tracker.ts";
import { accessTokenHeaders } from "./security.ts";
import type { UpstreamPool } from "./upstream_pool.ts";

/** Each base URL as logged (credentials masked), so a request costs no URL parse. */
const SHOWN_URLS = new Map<string, string>();

function shownUrlOf(baseUrl: string): string {
  let shown = SHOWN_URLS.get(baseUrl);
  if (shown === undefined) {
    shown = redactUrl(baseUrl);
    if (SHOWN_URLS.size >= 256) SHOWN_URLS.clear();
    SHOWN_URLS.set(baseUrl, shown);
  }
  return shown;
}

/** Everything {@linkcode proxyRequest} needs besides the request. */
export interface ProxyRequestOptions {
  active: ActiveConfig;
  pool: UpstreamPool;
  tracker: RequestTracker;
  /** The path and query, as received. */
  path: string;
  now: () => number;
  filter?: RequestFilter;
  fetch?: typeof fetch;
  shutdown?: AbortSignal;
  onUpstreamRequestComplete?: (baseUrl: string) => void;
}

/** A JSON error reply in the shape clients already parse. */
export function jsonError(
  status: number,
  type: string,
  message: string,
  extra: object = {},
): Response {
  return Response.json({ error: { type, message, ...extra } }, { status });
}

/** Forwards `req` to the active pool with failover; the tracker is finished on every path. */
export async function proxyRequest(req: Request, options: ProxyRequestOptions): Promise<Response> {
  const { active, pool, tracker, now } = options;
  const settings = active.settings;
  // planned before any wait: the pool matches this request's config only until the next one
  // (with other upstreams) arrives
  const plan = pool.plan();
  const body = await readRequestBody(req, settings.max_body_bytes, {
    stallMs: settings.stream_idle_timeout_secs * 1000,
  });
  if (body === "too_large" || body === "aborted" || body === "stalled") {
    for (const baseUrl of plan) pool.release(baseUrl);
  }
  if (body === "too_large") {
    tracker.finish(413, "proxy_error");
    const limit = `proxy.max_body_bytes (${settings.max_body_bytes} bytes)`;
    return jsonError(413, "request_too_large", `Request body exceeds ${limit}`);
  }
  if (body === "stalled") {
    tracker.finish(408, "client_aborted");
    const limit = `proxy.stream_idle_timeout_secs (${settings.stream_idle_timeout_secs} s)`;
    return jsonError(408, "request_timeout", `No request body bytes arrived for ${limit}`);
  }
  if (body === "aborted") {
    tracker.finish(499, "client_aborted");
    return new Response(null, { status: 499 });
  }
  const sent = body && options.filter ? await options.filter.apply(body) : body;
  const signals = options.shutdown ? [req.signal, options.shutdown] : [req.signal];
  const drop = accessTokenHeaders(req.headers, settings.access_token);
  let last: FailedAttempt | undefined;
  for (let i = 0; i < plan.length; i++) {
    const baseUrl = plan[i]!;
    const upstream = active.upstreams.find((u) => u.baseUrl === baseUrl)!;
    const shownUrl = shownUrlOf(baseUrl);
    pool.recordAttempt(baseUrl);
    const t0 = now();
    const result = await attemptUpstream({
      url: buildTargetUrl(baseUrl, options.path),
      method: req.method,
      headers: buildUpstreamHeaders(req.headers, upstream.auth, { drop }),
      body: sent,
    }, {
      headerTimeoutMs: settings.header_timeout_secs * 1000,
      firstEventTimeoutMs: settings.stream_idle_timeout_secs * 1000,
      signals,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const committed = result.kind === "commit";
    tracker.attempts.push({
      upstream_base_url: shownUrl,
      status_code: committed ? result.response.status : result.status,
      error: committed ? null : result.error,
      duration_ms: now() - t0,
    });
    if (!committed) {
      if (result.aborted) {
        for (const rest of plan.slice(i)) pool.release(rest);
        tracker.finish(499, "client_aborted", { upstream_base_url: shownUrl });
        return new Response(null, { status: 499 });
      }
      const retry = result.retryAfterMs;
      pool.recordFailure(baseUrl, retry === undefined ? {} : { cooldownMs: retry, openNow: true });
      options.onUpstreamRequestComplete?.(baseUrl);
      last = result;
      continue;
    }
    for (const rest of plan.slice(i + 1)) pool.release(rest);
    pool.recordSuccess(baseUrl);
    const ttfb = now() - tracker.start;
    const res = result.response;
    const init = {
      status: res.status,
      statusText: res.statusText,
      headers: buildClientHeaders(res.headers),
    };
    const onEnd = (
      outcome: Outcome,
      usage: ReturnType<ReturnType<typeof createUsageParser>["finish"]>,
    ) => {
      if (outcome === "stream_cut" || outcome === "stream_stalled") pool.recordFailure(baseUrl);
      const logged = outcome === "completed" && result.clientError ? "upstream_error" : outcome;
      tracker.finish(res.status, logged, {
        upstream_base_url: shownUrl,
        usage: usage.usage,
        model: usage.model,
        ttfb_ms: ttfb,
      });
      options.onUpstreamRequestComplete?.(baseUrl);
    };
    if (req.method === "HEAD") {
      result.reader?.cancel().catch(() => {});
      onEnd("completed", { usage: null, model: null, terminal: true, recognised: false });
      return new Response(null, init);
    }
    const relay = createRelayStream({
      head: result.head,
      reader: result.reader,
      abort: result.abort,
      idleTimeoutMs: settings.stream_idle_timeout_secs * 1000,
      parser: createUsageParser(res.headers.get("content-type")),
      ...(options.shutdown ? { shutdown: options.shutdown } : {}),
      onEnd,
    });
    return new Response(relay, init);
  }
  if (last?.reply) {
    const reply = last.reply;
    tracker.finish(reply.status, "upstream_error", {
      upstream_base_url: tracker.attempts.at(-1)!.upstream_base_url,
    });
    return new Response(reply.body as BodyInit, {
      status: reply.status,
      headers: buildClientHeaders(reply.headers),
    });
  }
  const message = plan.length === 0
    ? `No upstreams in the active config ("${active.configName ?? "none"}")`
    : "Every upstream failed";
  tracker.finish(502, "proxy_error");
  return jsonError(502, "proxy_error", message, { attempts: tracker.attempts });
}
