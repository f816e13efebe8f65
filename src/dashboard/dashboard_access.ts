/**
 * Who may see the dashboard: loopback peers with a loopback Host, from the page's own origin, with
 * the per-process secret (from the printed URL, then kept in a `SameSite=Strict; HttpOnly` cookie).
 */
import { isLoopbackAddr, isLoopbackHost, timingSafeEqual } from "../proxy/security.ts";

/** The query parameter of the printed URL that carries the secret. */
export const TOKEN_PARAM = "token";

/** A fresh per-process secret: 32 random bytes, base64url. */
export function createDashboardSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** The cookie's name: one per port, so two proxies on one host keep their own. */
export function cookieNameOf(host: string): string {
  const port = /:(\d+)$/.exec(host)?.[1] ?? "80";
  return `codex_helper_${port}`;
}

/** The `Set-Cookie` value that keeps the secret for this proxy's pages only. */
export function formatSecretCookie(host: string, secret: string): string {
  return `${cookieNameOf(host)}=${secret}; Path=/__codex_helper/; HttpOnly; SameSite=Strict`;
}

/** The value of cookie `name` in a `Cookie` header, if present. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The host and port the browser asked for (its `Host` header). */
export function requestHost(req: Request): string {
  return req.headers.get("host") ?? new URL(req.url).host;
}

/** Why a request may not even try the secret: status and message. */
export interface DashboardRefusal {
  status: number;
  message: string;
}

/**
 * Checks where a request comes from: a loopback peer, a loopback Host (DNS rebinding), and no
 * other web page (`Origin` other than the page's own, `Sec-Fetch-Site` other than same-origin or a
 * typed address). Undefined means it may go on to the secret.
 */
export function checkDashboardOrigin(
  req: Request,
  info: Deno.ServeHandlerInfo | undefined,
): DashboardRefusal | undefined {
  const host = requestHost(req);
  if (!isLoopbackAddr(info?.remoteAddr) || !isLoopbackHost(host)) {
    return { status: 403, message: "The dashboard answers loopback clients only" };
  }
  const origin = req.headers.get("origin");
  if (origin !== null && origin !== `http://${host}`) {
    return { status: 403, message: "Requests from other web pages are refused" };
  }
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return { status: 403, message: "Requests from other web pages are refused" };
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return { status: 405, message: "The dashboard is read-only (GET only)" };
  }
  return undefined;
}

/** True when the request carries this process's secret in its cookie. */
export function hasSecretCookie(req: Request, secret: string): boolean {
  const value = readCookie(req.headers.get("cookie"), cookieNameOf(requestHost(req)));
  return value !== undefined && timingSafeEqual(value, secret);
}
