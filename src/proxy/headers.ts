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

/** Header pairs: what `fetch` and `Response` take without building a second `Headers`. */
export type HeaderPairs = [string, string][];

function stripHopByHop(from: Headers, extra: readonly string[]): HeaderPairs {
  const named = connectionTokens(from);
  const out: HeaderPairs = [];
  for (const pair of from) {
    const name = pair[0];
    if (HOP_BY_HOP.has(name) || named?.has(name) || extra.includes(name)) continue;
    out.push(pair);
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
 * `accept-encoding` (plain bytes are asked for, so the usage tap can read them); the upstream's
 * own credentials replace the client's, except in pass-through mode, where
 * `Authorization`/`ChatGPT-Account-ID` pass as is. Returned as pairs: `fetch` validates them once.
 */
export function buildUpstreamHeaders(
  client: Headers,
  auth: ResolvedAuth,
  options: UpstreamHeadersOptions = {},
): HeaderPairs {
  const drop = ["host", "content-length", "accept-encoding", ...(options.drop ?? [])];
  const usesKey = auth.bearer !== undefined || auth.apiKey !== undefined;
  if (usesKey || !auth.passthrough) drop.push(...CLIENT_CREDENTIALS);
  const out = stripHopByHop(client, drop);
  if (auth.bearer !== undefined) out.push(["authorization", `Bearer ${auth.bearer}`]);
  if (auth.apiKey !== undefined) out.push(["x-api-key", auth.apiKey]);
  out.push(["accept-encoding", "identity"]);
  return out;
}

/** The response headers for the client: the upstream's minus hop-by-hop, length and encoding. */
export function buildClientHeaders(upstream: Headers): HeaderPairs {
  return stripHopByHop(upstream, ["content-length", "content-encoding"]);
}
