import assert from "node:assert/strict";
import { hourStart, readUsageView, USAGE_WINDOW_MS } from "../../src/dashboard/usage_view.ts";
import { readUsageViewOffThread } from "../../src/dashboard/usage_off_thread.ts";
import { summarizeLog } from "../../src/usage/summarize_log.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const NOW = new Date(2026, 0, 15, 15, 30).getTime();
const HOUR = 3_600_000;

function records(): (RequestRecord | string)[] {
  const out: (RequestRecord | string)[] = [
    // outside the window: in no number
    makeRecord({ timestamp_ms: NOW - USAGE_WINDOW_MS - HOUR, config_name: "old" }),
    "not json",
  ];
  for (let i = 0; i < 60; i++) {
    const t = NOW - i * 2.7 * HOUR;
    if (t < NOW - USAGE_WINDOW_MS) break;
    out.push(makeRecord({
      timestamp_ms: t,
      service: i % 6 === 0 ? "claude" : "codex",
      config_name: i % 3 === 0 ? "b" : "a",
      upstream_base_url: i % 2 ? "https://u:sk-test-pw@one.example/v1" : "https://two.example/v1",
      model: i % 4 ? "gpt-5" : null,
      status_code: i % 7 ? 200 : 502,
      ttfb_ms: 100 + i,
      usage: {
        input_tokens: 100 + i,
        output_tokens: 10 + i,
        reasoning_tokens: i,
        total_tokens: 110 + 2 * i,
      },
    }));
  }
  return out;
}

Deno.test("readUsageView() totals are `usage summary --since 7d`'s, by config, upstream and model", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", toJsonl(records()));
  const view = await readUsageView(log, { now: NOW, service: "codex", ttfbSinceMs: 0 });
  for (const by of ["config", "upstream", "model"] as const) {
    const summary = await summarizeLog(log, { by, sinceMs: NOW - USAGE_WINDOW_MS });
    const rows = summary.rows.map((r) =>
      by === "upstream" ? { ...r, key: r.key.replace("u:sk-test-pw@", "") } : r
    );
    assert.deepEqual(view.by[by].totals, rows, by);
    // each key's hours and days add up to its total
    for (const row of view.by[by].totals) {
      const hours = view.by[by].hourly[row.key]!.reduce((a, b) => a + b, 0);
      const days = view.by[by].daily[row.key]!.reduce((a, b) => a + b, 0);
      assert.equal(hours, row.total_tokens, `${by} ${row.key} hourly`);
      assert.equal(days, row.total_tokens, `${by} ${row.key} daily`);
    }
  }
  assert.equal(view.malformed_lines, 1);
  assert.ok(!JSON.stringify(view).includes("sk-test"));
});

Deno.test("readUsageView() lays hours and days out over the window, with the last hour's burn", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", toJsonl(records()));
  const view = await readUsageView(log, { now: NOW, service: "codex", ttfbSinceMs: 0 });
  assert.equal(view.hours[0], hourStart(NOW - USAGE_WINDOW_MS));
  assert.equal(view.hours.at(-1), hourStart(NOW));
  assert.ok(view.hours.length >= 168 && view.hours.length <= 170, String(view.hours.length));
  assert.equal(view.days.at(-1), "2026-01-15");
  assert.equal(view.days[0], "2026-01-08");
  // only the record at NOW is within the last hour
  assert.deepEqual(view.last_hour, { requests: 1, total_tokens: 110, tokens_per_minute: 2 });
});

Deno.test("readUsageView() gives the median time to first event per upstream, own service, since start", async () => {
  await using home = await createTempHome();
  const log = await home.write(
    ".codex-proxy/logs/requests.jsonl",
    toJsonl([
      makeRecord({
        timestamp_ms: NOW - 10 * HOUR,
        upstream_base_url: "https://a.example",
        ttfb_ms: 9000,
      }),
      makeRecord({
        timestamp_ms: NOW - HOUR,
        upstream_base_url: "https://a.example",
        ttfb_ms: 100,
      }),
      makeRecord({
        timestamp_ms: NOW - HOUR,
        upstream_base_url: "https://a.example",
        ttfb_ms: 300,
      }),
      makeRecord({
        timestamp_ms: NOW - HOUR,
        upstream_base_url: "https://a.example",
        ttfb_ms: 200,
      }),
      makeRecord({
        timestamp_ms: NOW - HOUR,
        service: "claude",
        upstream_base_url: "https://a.example",
        ttfb_ms: 5000,
      }),
      makeRecord({
        timestamp_ms: NOW - HOUR,
        upstream_base_url: "https://b.example",
        ttfb_ms: null,
      }),
    ]),
  );
  const view = await readUsageView(log, {
    now: NOW,
    service: "codex",
    ttfbSinceMs: NOW - 2 * HOUR,
  });
  assert.deepEqual(view.ttfb_by_upstream, { "https://a.example": 200 });
});

Deno.test("readUsageView() of a missing log is empty, not an error", async () => {
  await using home = await createTempHome();
  const view = await readUsageView(home.paths.requestLog, {
    now: NOW,
    service: "codex",
    ttfbSinceMs: 0,
  });
  assert.deepEqual(view.by.config.totals, []);
  assert.equal(view.last_hour.requests, 0);
});

Deno.test("readUsageViewOffThread() gives the worker's view of a big log, the same as in place", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", toJsonl(records()));
  const options = { now: NOW, service: "codex", ttfbSinceMs: 0 };
  const inPlace = await readUsageView(log, options);
  const viaWorker = await readUsageViewOffThread(log, { ...options, workerMinBytes: 1 });
  assert.deepEqual(viaWorker, inPlace);
  assert.ok(viaWorker.by.config.totals.length > 0);
});
