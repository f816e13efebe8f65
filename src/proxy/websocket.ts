/**
 * WebSocket upgrades (Codex's built-in `openai` provider first tries a Responses WebSocket on the
 * base URL) are declined with 426: Codex then falls back to HTTP at once, without retries. Any
 * other refusal (404, 501, a forwarded GET) makes it retry five times with backoff first.
 */

/** True when `req` asks to switch the connection to a WebSocket. */
export function isWebSocketUpgrade(req: Request): boolean {
  const upgrade = req.headers.get("upgrade");
  return upgrade !== null && upgrade.split(",").some((p) => p.trim().toLowerCase() === "websocket");
}

/** The refusal: 426 Upgrade Required, which Codex takes as "use HTTP" (nothing is forwarded). */
export function declineWebSocket(): Response {
  return Response.json({
    error: {
      type: "websocket_not_supported",
      message: "codex-helper relays HTTP only; send this request over HTTP",
    },
  }, { status: 426, headers: { "cache-control": "no-store" } });
}
