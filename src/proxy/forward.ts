/**
 * One upstream attempt, up to the commit point: the response headers and the first event (or
 * first chunk) are in. Anything that fails before that is reported so the next upstream can try.
 */
import { redactUrl } from "../config/redact_url.ts";
import { type BodyReader, createBodyReader } from "./body_reader.ts";
import { type Deadline, DEADLINES } from "./deadlines.ts";
import { classifyFirstEvent, type EventSpan, findFirstEvent } from "./first_event.ts";
import { decodingOf } from "./headers.ts";

/** A base URL split once: everything before its query, its path, and its query. */
interface BaseParts {
  /** The base without its query, fragment or trailing slash. */
  prefix: string;
  path: string;
  /** The base's own query without `?` ("" when none), sent with every request. */
  query: string;
}

/** The parts of each base URL seen, so a request costs no URL parse. */
const BASES = new Map<string, BaseParts>();

function basePartsOf(baseUrl: string): BaseParts {
  let parts = BASES.get(baseUrl);
  if (parts === undefined) {
    const url = new URL(baseUrl);
    const query = url.search.slice(1);
    url.search = "";
    url.hash = "";
    const prefix = url.href.endsWith("/") ? url.href.slice(0, -1) : url.href;
    parts = { prefix, path: url.pathname.replace(/\/$/, ""), query };
    if (BASES.size >= 256) BASES.clear();
    BASES.set(baseUrl, parts);
  }
  return parts;
}

/**
 * Joins a base URL and the client's path and query without doubling `/v1`; a query in the base
 * URL (e.g. an API key) comes first, then the client's.
 */
export function buildTargetUrl(baseUrl: string, pathAndQuery: string): string {
  const { prefix, path: basePath, query } = basePartsOf(baseUrl);
  let path = pathAndQuery.startsWith("/") ? pathAndQuery : `/${pathAndQuery}`;
  if (query !== "") {
    const q = path.indexOf("?");
    path = q === -1 ? `${path}?${query}` : `${path.slice(0, q)}?${query}&${path.slice(q + 1)}`;
  }
  if (basePath !== "") {
    const q = path.search(/[?#]/);
    const pathname = q === -1 ? path : path.slice(0, q);
    if (pathname === basePath || pathname.startsWith(`${basePath}/`)) {
      return prefix.slice(0, prefix.length - basePath.length) + path;
    }
  }
  return prefix + path;
}

/** Statuses after which the next upstream is tried. */
export function isFailoverStatus(status: number): boolean {
  return status === 429 || status === 401 || status === 403 || status >= 500;
}

/** Statuses whose response has no body (a body for them is an error in `Response`). */
export function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The request as it is sent to every upstream. */
export interface AttemptRequest {
  url: string;
  method: string;
  headers: HeadersInit;
  body: Uint8Array | null;
}

/** Options of {@linkcode attemptUpstream}. */
export interface AttemptOptions {
  headerTimeoutMs: number;
  /** How long to wait for the first event once headers are in. */
  firstEventTimeoutMs: number;
  /** Any of these aborts the attempt (the client went away, the server shuts down). */
  signals: AbortSignal[];
  /** The longest `Retry-After` honoured; longer ones are cut to it. */
  maxRetryAfterMs: number;
  fetch?: typeof fetch;
}

/** An upstream answered and the first bytes are in: the response goes to the client. */
export interface CommittedAttempt {
  kind: "commit";
  response: Response;
  /** Chunks already read (the first event); send them first. */
  head: Uint8Array[];
  /** The rest of the body (null when the body already ended). */
  reader: BodyReader | null;
  /** Aborts the upstream request. */
  abort: AbortController;
  /** True for a status that is the request's fault (other 4xx): not an upstream failure. */
  clientError: boolean;
}

/** An upstream's whole failed reply, kept in case every attempt fails. */
export interface UpstreamReply {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** The attempt failed before anything was sent to the client. */
export interface FailedAttempt {
  kind: "failed";
  status: number | null;
  error: string;
  retryAfterMs?: number;
  /** The upstream's own reply (an error status, or a stream whose first event failed). */
  reply?: UpstreamReply;
  /** The client went away: stop trying. */
  aborted?: boolean;
}

/** Longest error body kept from a failed attempt. */
const MAX_ERROR_BODY = 256 * 1024;
/** Longest first event held back before committing anyway. */
const MAX_FIRST_EVENT = 1024 * 1024;

async function readCapped(reader: BodyReader, cap: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < cap) {
    const value = await reader.read();
    if (value === null) break;
    parts.push(value);
    size += value.length;
  }
  reader.cancel().catch(() => {});
  return concat(parts);
}

/** Joins chunks into one array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Quoted text in an error message: `fetch` quotes a rejected header value, which may be a key. */
const QUOTED = /"[^"]*"?/g;
/** A URL in an error message (`error sending request for url (...)`): shown without credentials. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s()"'<>]+/gi;

/**
 * An error as one line for the log: its message and those of its causes (`fetch failed` alone
 * says nothing; its cause says refused, DNS or TLS), URLs without credentials, quoted values hidden.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== undefined && e !== null; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    parts.push(depth === 0 ? `${e.name}: ${e.message}` : e.message);
    e = e.cause;
  }
  return parts.join(": ").replace(QUOTED, '"(hidden)"').replace(
    URL_IN_TEXT,
    (url) => redactUrl(url),
  ).slice(0, 400);
}

/** Sends the request to one upstream and waits for the commit point. */
export async function attemptUpstream(
  request: AttemptRequest,
  options: AttemptOptions,
): Promise<CommittedAttempt | FailedAttempt> {
  const abort = new AbortController();
  const { signals } = options;
  const onAbort = () => abort.abort(new Error("aborted"));
  for (const s of signals) {
    if (s.aborted) onAbort();
    s.addEventListener("abort", onAbort, { once: true });
  }
  const detach = () => {
    for (const s of signals) s.removeEventListener("abort", onAbort);
  };
  let phase = "header timeout";
  let timedOut = false;
  const expire = () => {
    timedOut = true;
    abort.abort(new Error(phase));
  };
  let timer: Deadline = DEADLINES.after(options.headerTimeoutMs, expire);
  const fail = (status: number | null, error: string): FailedAttempt => {
    timer.cancel();
    detach();
    abort.abort();
    return {
      kind: "failed",
      status,
      error,
      ...(signals.some((s) => s.aborted) ? { aborted: true } : {}),
    };
  };
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body as BodyInit | null,
      redirect: "manual",
      signal: abort.signal,
    });
  } catch (error) {
    return fail(
      null,
      timedOut ? `header timeout after ${options.headerTimeoutMs} ms` : describeError(error),
    );
  }
  const status = response.status;
  if (isNullBodyStatus(status)) {
    response.body?.cancel().catch(() => {});
    timer.cancel();
    detach();
    return { kind: "commit", response, head: [], reader: null, abort, clientError: false };
  }
  const encoding = decodingOf(response.headers);
  if (encoding !== undefined && response.body !== null) {
    // the upstream ignored `accept-encoding: identity`: decode, so usage and events can be read
    const { statusText, headers } = response;
    const decoded = response.body.pipeThrough(new DecompressionStream(encoding));
    response = new Response(decoded, { status, statusText, headers });
  }
  const body = response.body;
  if (isFailoverStatus(status)) {
    try {
      const bytes = body
        ? await readCapped(createBodyReader(body), MAX_ERROR_BODY)
        : new Uint8Array();
      const failed = fail(status, `HTTP ${status}`);
      failed.reply = { status, headers: response.headers, body: bytes };
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      if (retryAfterMs !== undefined) {
        failed.retryAfterMs = Math.min(retryAfterMs, options.maxRetryAfterMs);
      }
      return failed;
    } catch (error) {
      return fail(status, `HTTP ${status}; ${describeError(error)}`);
    }
  }
  const committed = (head: Uint8Array[], reader: CommittedAttempt["reader"]): CommittedAttempt => {
    timer.cancel();
    detach();
    // the relay links the client's signal to `abort` from here on
    return { kind: "commit", response, head, reader, abort, clientError: status >= 400 };
  };
  if (body === null) return committed([], null);
  if (status >= 300) return committed([], createBodyReader(body));
  timer.cancel();
  phase = "first event timeout";
  timer = DEADLINES.after(options.firstEventTimeoutMs, expire);
  const isSse = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  const reader = createBodyReader(body);
  const head: Uint8Array[] = [];
  let size = 0;
  // the head joined and its first event's span, once one is found (reused by the verdict)
  let joined: Uint8Array | undefined;
  let span: EventSpan | undefined;
  try {
    while (true) {
      const value = await reader.read();
      if (value === null) {
        if (isSse) return fail(status, "stream ended before its first event");
        return committed(head, null);
      }
      if (value.length === 0) continue;
      head.push(value);
      size += value.length;
      if (!isSse) return committed(head, reader);
      // comments (`: keep-alive`) and empty blocks are not events: read on past them
      if (value.includes(10)) {
        joined = concat(head);
        span = findFirstEvent(joined);
        if (span !== undefined) break;
      }
      if (size >= MAX_FIRST_EVENT) break;
    }
  } catch (error) {
    const why = timedOut
      ? `no first event within ${options.firstEventTimeoutMs} ms`
      : describeError(error);
    return fail(status, `stream failed before its first event: ${why}`);
  }
  const bytes = span !== undefined ? joined! : concat(head);
  const verdict = classifyFirstEvent(bytes, span);
  if (verdict.retryable) {
    reader.cancel().catch(() => {});
    const failed = fail(status, `first event ${verdict.type}: ${verdict.code}`);
    failed.reply = { status, headers: response.headers, body: bytes };
    return failed;
  }
  return committed(head, reader);
}
