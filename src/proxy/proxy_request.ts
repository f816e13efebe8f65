/**
 * Forwards one client request, top to bottom: plan the upstreams, read (and filter) the body once,
 * try each upstream up to its commit point, relay the winner. Every attempt is settled exactly
 * once; the relayed stream's end state alone decides the breaker verdict and the log outcome.
 */
import { redactUrl } from "../config/redact_url.ts";
import { createUsageParser, type UsageResult } from "../usage/record.ts";
import { planAttempts, type UpstreamAttempt } from "./attempt.ts";
import {
  attemptUpstream,
  buildTargetUrl,
  type CommittedAttempt,
  type FailedAttempt,
  isNullBodyStatus,
  type UpstreamReply,
} from "./forward.ts";
import type { RequestFilter } from "./filter.ts";
import { buildClientHeaders, buildUpstreamHeaders } from "./headers.ts";
import type { ActiveConfig, ProxyRuntimeSettings } from "./live_config.ts";
import { createRelayStream } from "./relay_stream.ts";
import { type BodyRefusal, readRequestBody } from "./request_body.ts";
import {
  decodeRequestBody,
  type EncodingRefusal,
  parseContentEncoding,
} from "./request_encoding.ts";
import type { RequestTracker } from "./request_tracker.ts";
import { accessTokenHeaders } from "./security.ts";
import { judgeStreamEnd, type StreamEnd } from "./stream_end.ts";
import type { UpstreamPool } from "./upstream_pool.ts";

/** Everything {@linkcode proxyRequest} needs besides the request. */
export interface ProxyRequestOptions {
  active: ActiveConfig;
  pool: UpstreamPool;
  tracker: RequestTracker;
  /** The path and query, as received. */
  path: string;
  now: () => number;
  /** The proxy's own access token in force (never sent upstream); defaults to the config's. */
  accessToken?: string;
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
  const { active, tracker, now } = options;
  const settings = active.settings;
  // planned before any wait: the pool matches this request's config only until the next one
  // (with other upstreams) arrives
  const attempts = planAttempts(options.pool, {
    ...(options.onUpstreamRequestComplete ? { onSettled: options.onUpstreamRequestComplete } : {}),
  });
  let handedOff: UpstreamAttempt | undefined;
  try {
    const body = await readRequestBody(req, settings.max_body_bytes, {
      stallMs: settings.stream_idle_timeout_secs * 1000,
      ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    });
    if (typeof body === "string") return refuseBody(body, { settings, tracker });
    const filtered = await filterBody(body, {
      headers: req.headers,
      filter: options.filter,
      maxBytes: settings.max_body_bytes,
    });
    if ("status" in filtered) {
      tracker.finish(filtered.status, "proxy_error", { error: filtered.message });
      const type = filtered.status === 413 ? "request_too_large" : "invalid_request";
      return jsonError(filtered.status, type, filtered.message);
    }
    const drop = accessTokenHeaders(req.headers, options.accessToken ?? settings.access_token);
    if (filtered.decoded) drop.push("content-encoding");
    const signals = options.shutdown ? [req.signal, options.shutdown] : [req.signal];
    let best: { failed: FailedAttempt; shownUrl: string } | undefined;
    for (const attempt of attempts) {
      const upstream = active.upstreams.find((u) => u.baseUrl === attempt.baseUrl)!;
      const shownUrl = shownUrlOf(attempt.baseUrl);
      attempt.send();
      const t0 = now();
      const result = await attemptUpstream({
        url: buildTargetUrl(attempt.baseUrl, options.path),
        method: req.method,
        headers: buildUpstreamHeaders(req.headers, upstream.auth, { drop }),
        body: filtered.body,
      }, {
        headerTimeoutMs: settings.header_timeout_secs * 1000,
        firstEventTimeoutMs: settings.stream_idle_timeout_secs * 1000,
        maxRetryAfterMs: settings.max_retry_after_secs * 1000,
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
      if (committed) {
        const response = relay(result, { req, attempt, shownUrl, options });
        handedOff = attempt; // from here the relayed stream's end settles it
        return response;
      }
      if (result.aborted) {
        attempt.settle("none");
        const gone = options.shutdown?.aborted ? "shutdown" : "client_aborted";
        tracker.finish(499, gone, { upstream_base_url: shownUrl });
        return new Response(null, { status: 499 });
      }
      const retry = result.retryAfterMs;
      attempt.settle("failure", retry === undefined ? {} : { cooldownMs: retry, openNow: true });
      if (best === undefined || rankOf(result) > rankOf(best.failed)) {
        best = { failed: result, shownUrl };
      }
    }
    return everyAttemptFailed(best, options);
  } finally {
    // attempts never sent (or left unjudged on a thrown error) free their probe claims
    for (const attempt of attempts) if (attempt !== handedOff) attempt.settle("none");
  }
}

/** What {@linkcode relay} needs besides the committed attempt. */
interface RelayContext {
  req: Request;
  attempt: UpstreamAttempt;
  /** The upstream's base URL as logged. */
  shownUrl: string;
  options: ProxyRequestOptions;
}

/** Sends a committed reply to the client; its end settles the attempt and finishes the log. */
function relay(result: CommittedAttempt, context: RelayContext): Response {
  const { req, attempt, shownUrl, options } = context;
  const { tracker } = options;
  const res = result.response;
  const ttfb = options.now() - tracker.start;
  const init = {
    status: res.status,
    statusText: res.statusText,
    headers: buildClientHeaders(res.headers),
  };
  const onEnd = (end: StreamEnd, usage: UsageResult): void => {
    const judged = judgeStreamEnd(end, { clientError: result.clientError });
    attempt.settle(judged.verdict);
    tracker.finish(res.status, judged.outcome, {
      upstream_base_url: shownUrl,
      usage: usage.usage,
      model: usage.model,
      ttfb_ms: ttfb,
      ...(judged.error === null ? {} : { error: judged.error }),
    });
  };
  if (req.method === "HEAD" || isNullBodyStatus(res.status)) {
    result.reader?.cancel().catch(() => {});
    onEnd({ kind: "completed" }, createUsageParser(null).finish());
    return new Response(null, init);
  }
  const body = createRelayStream({
    head: result.head,
    reader: result.reader,
    abort: result.abort,
    idleTimeoutMs: options.active.settings.stream_idle_timeout_secs * 1000,
    parser: createUsageParser(res.headers.get("content-type")),
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    onEnd,
  });
  return new Response(body, init);
}

/** The reply when no upstream committed: the most informative upstream reply, else a 502. */
function everyAttemptFailed(
  best: { failed: FailedAttempt; shownUrl: string } | undefined,
  options: ProxyRequestOptions,
): Response {
  const { tracker, active } = options;
  const reply: UpstreamReply | undefined = best?.failed.reply;
  if (best && reply) {
    tracker.finish(reply.status, "upstream_error", {
      upstream_base_url: best.shownUrl,
      error: best.failed.error,
    });
    return new Response(reply.body as BodyInit, {
      status: reply.status,
      headers: buildClientHeaders(reply.headers),
    });
  }
  const message = tracker.attempts.length === 0
    ? `No upstreams in the active config ("${active.configName ?? "none"}")`
    : "Every upstream failed";
  tracker.finish(502, "proxy_error", { error: best?.failed.error ?? message });
  return jsonError(502, "proxy_error", message, { attempts: tracker.attempts });
}

/**
 * How much a failed attempt's reply tells the client: a rate or usage limit (429) most, then an
 * auth refusal (401, 403), then other replies (5xx, a failed first event); an attempt without a
 * reply (refused, timed out) nothing. Of equal ones the earlier is kept.
 */
function rankOf(attempt: FailedAttempt): number {
  const status = attempt.reply?.status;
  if (status === undefined) return 0;
  if (status === 429) return 3;
  if (status === 401 || status === 403) return 2;
  return 1;
}

/** The reply for a body that could not be read; every attempt is released by the caller. */
function refuseBody(
  refusal: BodyRefusal,
  { settings, tracker }: { settings: ProxyRuntimeSettings; tracker: RequestTracker },
): Response {
  if (refusal === "too_large") {
    tracker.finish(413, "proxy_error");
    const limit = `proxy.max_body_bytes (${settings.max_body_bytes} bytes)`;
    return jsonError(413, "request_too_large", `Request body exceeds ${limit}`);
  }
  if (refusal === "stalled") {
    tracker.finish(408, "client_aborted");
    const limit = `proxy.stream_idle_timeout_secs (${settings.stream_idle_timeout_secs} s)`;
    return jsonError(408, "request_timeout", `No request body bytes arrived for ${limit}`);
  }
  if (refusal === "shutdown") {
    tracker.finish(503, "shutdown");
    return jsonError(503, "proxy_shutting_down", "The proxy is shutting down");
  }
  tracker.finish(499, "client_aborted");
  return new Response(null, { status: 499 });
}

/** The body as sent upstream: filtered by filter.json, decoded first when it is compressed. */
async function filterBody(
  body: Uint8Array | null,
  { headers, filter, maxBytes }: {
    headers: Headers;
    filter: RequestFilter | undefined;
    maxBytes: number;
  },
): Promise<{ body: Uint8Array | null; decoded: boolean } | EncodingRefusal> {
  if (body === null || filter === undefined) return { body, decoded: false };
  const encoding = headers.get("content-encoding");
  if (encoding === null || parseContentEncoding(encoding).length === 0) {
    return { body: await filter.apply(body), decoded: false };
  }
  // compressed: the rules cannot see into it, so it is decoded (and sent on plain) when rules exist
  if (!await filter.hasRules()) return { body, decoded: false };
  const plain = await decodeRequestBody(body, { encoding, maxBytes });
  if ("status" in plain) return plain;
  return { body: await filter.apply(plain), decoded: true };
}

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
