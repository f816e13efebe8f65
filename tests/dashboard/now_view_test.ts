import assert from "node:assert/strict";
import { readNowView } from "../../src/dashboard/now_view.ts";
import type { ProxyView } from "../../src/proxy/pages.ts";
import type { RequestTracker } from "../../src/proxy/request_tracker.ts";
import { createCounters, type ProxyStatus, STATUS_NAME } from "../../src/proxy/status.ts";

Deno.test("readNowView() lists requests in flight with their elapsed time, URLs masked", async () => {
  const tracker: RequestTracker = {
    start: 10_000,
    method: "POST",
    pathname: "/v1/responses",
    attempts: [{
      upstream_base_url: "https://u:sk-test-pw@a.example/v1?key=sk-test-q",
      status_code: 503,
      error: null,
      duration_ms: 40,
    }],
    finish() {},
  };
  const status: ProxyStatus = {
    name: STATUS_NAME,
    service: "claude",
    version: "0.0.0",
    pid: 1,
    port: 3210,
    uptime_secs: 60,
    active_config: "main",
    upstreams: [],
    providers: [],
    counters: { ...createCounters(), requests: 1, active: 1 },
  };
  const view: ProxyView = { status: () => Promise.resolve(status), inFlight: () => [tracker] };
  const now = await readNowView(view, 12_500);
  assert.equal(now.service, "claude");
  assert.equal(now.started_at_ms, 12_500 - 60_000);
  assert.deepEqual(now.active_streams, [{
    started_ms: 10_000,
    elapsed_ms: 2500,
    method: "POST",
    path: "/v1/responses",
    attempts: ["https://a.example/v1?key=***"],
  }]);
  assert.ok(!JSON.stringify(now).includes("sk-test"));
});
