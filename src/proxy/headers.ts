/** Header rewriting in both directions: hop-by-hop removal and upstream credentials. */
import type { ResolvedAuth } from "../config/secrets.ts";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const CLIENT_CREDENTIALS = ["authorization", "x-api-key", "chatgpt-account-id"];

/** Header names listed in `Connection` (lower case). */
function connectionTokens(headers: Headers): Set<string> | undefined {
  const value = headers.get("connection");
  if (value === null) return undefined;
  return new Set(value.split(",").map((t) => t.trim().toLowerCase()).filter((t) => t !== ""));
}

function stripHopByHop(from: Headers, extra: readonly string[]): Headers {
  const named = connectionTokens(from);
  const out = new Headers();
  for (const [name, value] of from) {
    if (HOP_BY_HOP.has(name) || named?.has(name) || extra.includes(name)) continue;
    out.append(name, value);
  }
  return out;
}

/** Options of {@linkcode buildUpstreamHeaders}. */
export interface UpstreamHeadersOptions {
  /** Extra request headers to drop (e.g. the proxy's own access-token header). */
  drop?: readonly string[];
}

/**
 * The headers sent upstream: the client's minus hop-by-hop, `host`, `content-length` and
 * `accept-encoding` (the body is streamed back decoded); the upstream's own credentials replace
 * the client's, except in pass-through mode, where `Authorization`/`ChatGPT-Account-ID` pass as is.
 */
export function buildUpstreamHeaders(
  client: Headers,
  auth: ResolvedAuth,
  options: UpstreamHeadersOptions = {},
): Headers {
  const drop = ["host", "content-length", "accept-encoding", ...(options.drop ?? [])];
  const usesKey = auth.bearer !== undefined || auth.apiKey !== undefined;
  if (usesKey || !auth.passthrough) drop.push(...CLIENT_CREDENTIALS);
  const out = stripHopByHop(client, drop);
  if (auth.bearer !== undefined) out.set("authorization", `Bearer ${auth.bearer}`);
  if (auth.apiKey !== undefined) out.set("x-api-key", auth.apiKey);
  // plain bytes from the upstream: the usage tap reads them and nothing is decoded twice
  out.set("accept-encoding", "identity");
  return out;
}

/** The response headers for the client: the upstream's minus hop-by-hop, length and encoding. */
export function buildClientHeaders(upstream: Headers): Headers {
  return stripHopByHop(upstream, ["content-length", "content-encoding"]);
}
