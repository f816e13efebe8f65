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
 * The headers sent upstream: the client's minus hop-by-hop, `host`, `content-length`, `expect`
 * (the body is already read) and `accept-encoding` (plain bytes are asked for, so the usage tap
 * can read them); the upstream's
 * own credentials replace the client's, except in pass-through mode, where
 * `Authorization`/`ChatGPT-Account-ID` pass as is. Returned as pairs: `fetch` validates them once.
 */
export function buildUpstreamHeaders(
  client: Headers,
  auth: ResolvedAuth,
  options: UpstreamHeadersOptions = {},
): HeaderPairs {
  const drop = ["host", "content-length", "accept-encoding", "expect", ...(options.drop ?? [])];
  const usesKey = auth.bearer !== undefined || auth.apiKey !== undefined;
  if (usesKey || !auth.passthrough) drop.push(...CLIENT_CREDENTIALS);
  const out = stripHopByHop(client, drop);
  if (auth.bearer !== undefined) out.push(["authorization", `Bearer ${auth.bearer}`]);
  if (auth.apiKey !== undefined) out.push(["x-api-key", auth.apiKey]);
  out.push(["accept-encoding", "identity"]);
  return out;
}

/** Encodings the proxy decodes itself when an upstream ignores `accept-encoding: identity`. */
const DECODABLE: Record<string, CompressionFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli" as CompressionFormat,
};

/**
 * How to decode a body whose upstream sent it compressed although plain bytes were asked for;
 * undefined when it is plain or in an encoding the proxy passes on as is.
 */
export function decodingOf(headers: Headers): CompressionFormat | undefined {
  const value = headers.get("content-encoding");
  return value === null ? undefined : DECODABLE[value.trim().toLowerCase()];
}

/**
 * The response headers for the client: the upstream's minus hop-by-hop and length, and minus
 * `content-encoding` unless the body is in an encoding the proxy does not decode.
 */
export function buildClientHeaders(upstream: Headers): HeaderPairs {
  const encoding = upstream.get("content-encoding");
  const keep = encoding !== null && encoding.trim().toLowerCase() !== "identity" &&
    decodingOf(upstream) === undefined;
  return stripHopByHop(
    upstream,
    keep ? ["content-length"] : ["content-length", "content-encoding"],
  );
}
