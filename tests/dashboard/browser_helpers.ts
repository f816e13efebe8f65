/** What the dashboard's Chromium tests share: their test options and the printed address. */
import assert from "node:assert/strict";
import type { ServeProcess } from "../_fakes/serve_process.ts";
import { chromiumPath } from "../_fakes/chromium.ts";

/**
 * A test driving headless Chromium: skipped without Chromium; puppeteer's own pipes and timers
 * outlive the test, so resources and ops are not checked.
 */
export function chromiumTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name,
    ignore: chromiumPath === undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    fn,
  });
}

/** Waits for the `dashboard: <url>` line of `serve` and returns the URL. */
export async function waitForDashboardUrl(
  serve: Pick<ServeProcess, "waitForLine">,
): Promise<string> {
  return (await serve.waitForLine(/^dashboard: /)).slice("dashboard: ".length).trim();
}

/** One streamed Responses turn through the proxy at `proxyUrl`, read to its end. */
export async function postTurn(
  proxyUrl: string,
  model = "mock-model",
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(`${proxyUrl}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, stream: true }),
  });
  assert.equal(res.status, 200);
  await res.text();
}
