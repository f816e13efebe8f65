/** Who may use the proxy: loopback Host only (DNS rebinding), no browser Origin, access token. */

/** The header a client may use to present the access token without touching Authorization. */
export const ACCESS_TOKEN_HEADER = "x-codex-helper-token";

/** True for 127.0.0.0/8, ::1, `localhost` and `*.localhost` (with or without a port). */
export function isLoopbackHost(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) {
    const end = name.indexOf("]");
    name = end === -1 ? name : name.slice(1, end);
  } else if (name.split(":").length === 2) {
    name = name.slice(0, name.indexOf(":"));
  }
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === "::1" || name === "0:0:0:0:0:0:0:1" || name === "::ffff:127.0.0.1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Options of {@linkcode checkAccess}. */
export interface AccessOptions {
  /** Listening on a non-loopback address: any Host, but the token is required. */
  allowRemote: boolean;
  accessToken?: string;
  /** The request's host when there is no Host header (taken from its URL). */
  fallbackHost?: string;
}

/** Why a request was refused: the status and a message for the JSON error. */
export interface AccessRefusal {
  status: number;
  message: string;
}

function presentedToken(headers: Headers): string | undefined {
  const own = headers.get(ACCESS_TOKEN_HEADER);
  if (own !== null) return own;
  const auth = headers.get("authorization");
  if (auth !== null && /^bearer /i.test(auth)) return auth.slice(7).trim();
  return headers.get("x-api-key") ?? undefined;
}

/** Compares two secrets in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Checks one request; undefined means it may pass. */
export function checkAccess(headers: Headers, options: AccessOptions): AccessRefusal | undefined {
  if (headers.has("origin")) {
    return { status: 403, message: "Requests from web pages (with an Origin header) are refused" };
  }
  if (!options.allowRemote && !isLoopbackHost(headers.get("host") ?? options.fallbackHost ?? "")) {
    return { status: 403, message: "Host is not a loopback address; refused" };
  }
  if (options.accessToken !== undefined) {
    const token = presentedToken(headers);
    if (token === undefined || !timingSafeEqual(token, options.accessToken)) {
      return { status: 401, message: "Missing or wrong access token (proxy.access_token)" };
    }
  }
  return undefined;
}

/**
 * The request headers that carry the proxy's own access token: never sent upstream, not even in
 * pass-through mode (where the client's `Authorization` otherwise goes on as is).
 */
export function accessTokenHeaders(headers: Headers, accessToken: string | undefined): string[] {
  const names = [ACCESS_TOKEN_HEADER];
  if (accessToken === undefined) return names;
  const auth = headers.get("authorization");
  if (
    auth !== null && /^bearer /i.test(auth) && timingSafeEqual(auth.slice(7).trim(), accessToken)
  ) {
    names.push("authorization");
  }
  const key = headers.get("x-api-key");
  if (key !== null && timingSafeEqual(key, accessToken)) names.push("x-api-key");
  return names;
}

/**
 * The access token a remote listener requires, given the one config.json has now: once a token
 * was configured it stays required, so removing it from the file never opens the proxy; `warn`
 * is told once each time the file's token goes missing.
 */
export function createAccessTokenKeeper(
  warn?: (message: string) => void,
): (configured: string | undefined) => string | undefined {
  let kept: string | undefined;
  let warned = false;
  return (configured) => {
    if (configured !== undefined) {
      kept = configured;
      warned = false;
      return configured;
    }
    if (kept !== undefined && !warned) {
      warned = true;
      warn?.(
        "proxy.access_token was removed from config.json while listening on a non-loopback " +
          "address; the last token stays required until the proxy restarts",
      );
    }
    return kept;
  };
}

/** True when the peer address is loopback (for the status endpoint). */
export function isLoopbackAddr(addr: Deno.Addr | undefined): boolean {
  if (addr === undefined) return true;
  if (addr.transport !== "tcp" && addr.transport !== "udp") return true;
  return isLoopbackHost(addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname);
}
