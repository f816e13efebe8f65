import assert from "node:assert/strict";
import {
  chooseSummaryThreads,
  PARALLEL_MIN_BYTES,
  runSummaryWorker,
  summarizeLog,
} from "../../src/usage/summarize_log.ts";
import { SUMMARY_GROUPINGS } from "../../src/usage/summary.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { makeRecord } from "../_fakes/request_records.ts";

const LOG = ".codex-proxy/logs/requests.jsonl";
const T0 = Date.UTC(2026, 0, 10);

/** Rotations with varied records, bad lines, CRLF, blank lines and a missing final newline. */
async function writeLogs(home: TempHome): Promise<number> {
  const configs = ["packy", "backup", "wörk", null];
  const models = ["gpt-5", "gpt-5-mini", null];
  let n = 0;
  for (const [f, suffix] of [".5", ".4", ".2", ".1", ""].entries()) {
    const lines: string[] = [];
    for (let i = 0; i < 700; i++, n++) {
      if (n % 97 === 0) lines.push(n % 2 ? "{broken" : "[]");
      if (n % 131 === 0) lines.push("");
      const status = n % 23 === 0 ? 502 : 200;
      lines.push(
        JSON.stringify(makeRecord({
          timestamp_ms: T0 + n * 600_000,
          status_code: status,
          duration_ms: (n * 7919) % 40_000,
          config_name: configs[n % configs.length]!,
          model: models[n % models.length]!,
          upstream_base_url: `https://relay${n % 3}.example.net/v1`,
          outcome: status === 200 ? (n % 41 === 0 ? "stream_cut" : "completed") : "upstream_error",
          usage: status === 200
            ? {
              input_tokens: n % 5000,
              output_tokens: n % 900,
              reasoning_tokens: n % 300,
              total_tokens: n % 5000 + n % 900,
              cached_input_tokens: n % 800,
            }
            : null,
        })) + (n % 5 === 0 ? "\r" : ""),
      );
    }
    await home.write(`${LOG}${suffix}`, lines.join("\n") + (f === 2 ? "" : "\n"));
  }
  return n;
}

Deno.test("summarizeLog() gives the same report on 1 to 4 threads, any grouping, with --since", async () => {
  await using home = await createTempHome({ TZ: "UTC" });
  const records = await writeLogs(home);
  const log = home.paths.requestLog;
  for (const by of SUMMARY_GROUPINGS) {
    for (const sinceMs of [undefined, T0 + 1500 * 600_000]) {
      const options = { by, parallelMinBytes: 0, ...(sinceMs !== undefined ? { sinceMs } : {}) };
      const single = await summarizeLog(log, { ...options, threads: 1 });
      const counted = single.rows.reduce((sum, r) => sum + r.requests, 0);
      assert.equal(counted, sinceMs === undefined ? records : records - 1500);
      assert.equal(single.malformed_lines, 37); // without a leading timestamp: never skipped
      for (const threads of [2, 3, 4]) {
        // the byte boundaries fall inside lines (and multibyte keys) of the generated files
        assert.deepEqual(await summarizeLog(log, { ...options, threads }), single, `${by}`);
      }
    }
  }
});

Deno.test("chooseSummaryThreads() keeps a small log on one thread", () => {
  assert.equal(chooseSummaryThreads(PARALLEL_MIN_BYTES - 1, { threads: 2 }), 1);
  assert.equal(chooseSummaryThreads(0), 1);
  assert.equal(chooseSummaryThreads(PARALLEL_MIN_BYTES, { threads: 2 }), 2);
  assert.ok(chooseSummaryThreads(10 * PARALLEL_MIN_BYTES) <= 4);
});

Deno.test("summarizeLog() of a missing log is an empty report", async () => {
  await using home = await createTempHome();
  const summary = await summarizeLog(home.paths.requestLog, { threads: 2, parallelMinBytes: 0 });
  assert.deepEqual(summary, { by: "config", since_ms: null, rows: [], malformed_lines: 0 });
});

Deno.test("runSummaryWorker() answers with the totals of its ranges", async () => {
  await using home = await createTempHome();
  const log = await home.write(LOG, JSON.stringify(makeRecord()) + "\n{broken\n");
  const state = await runSummaryWorker({
    ranges: [{ path: log, start: 0, end: Infinity }],
    by: "model",
  });
  assert.ok(state !== undefined, "the worker started and answered");
  assert.equal(state.malformed, 1);
  assert.deepEqual(state.groups.map((g) => [g.row.key, g.row.requests, g.durations]), [
    ["gpt-5", 1, [[1000, 1]]],
  ]);
});
