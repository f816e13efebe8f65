import assert from "node:assert/strict";
import {
  createSummaryBuilder,
  parseSince,
  SinceParseError,
  type SummaryOptions,
} from "../../src/usage/summary.ts";
import {
  isErrorRecord,
  parseRequestRecord,
  readLeadingTimestamp,
} from "../../src/usage/record_parse.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { makeRecord } from "../_fakes/request_records.ts";
import { formatTailTable } from "../../src/cli/usage_format.ts";

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function summarize(records: RequestRecord[], options: SummaryOptions = {}) {
  const b = createSummaryBuilder({ dayOf: utcDay, ...options });
  for (const r of records) b.add(r);
  return b.finish();
}

Deno.test("isErrorRecord(): status >= 400 or an outcome other than completed", async (t) => {
  const cases: [Partial<RequestRecord>, boolean][] = [
    [{ status_code: 200, outcome: "completed" }, false],
    [{ status_code: 200 }, false],
    [{ status_code: 399 }, false],
    [{ status_code: 400 }, true],
    [{ status_code: 502, outcome: "upstream_error" }, true],
    [{ status_code: 200, outcome: "stream_cut" }, true],
    [{ status_code: 200, outcome: "client_aborted" }, true],
  ];
  for (const [fields, expected] of cases) {
    await t.step(JSON.stringify(fields), () => {
      assert.equal(
        isErrorRecord(makeRecord({ outcome: undefined, ...fields } as Partial<RequestRecord>)),
        expected,
      );
    });
  }
});

Deno.test("parseRequestRecord() accepts old lines and rejects garbage", () => {
  const old = '{"timestamp_ms":1,"service":"codex","method":"POST","path":"/v1/responses",' +
    '"status_code":200,"duration_ms":5,"config_name":"a","upstream_base_url":null,"usage":null}';
  assert.equal(parseRequestRecord(old)?.duration_ms, 5);
  for (
    const bad of [
      "",
      "{",
      "[]",
      "null",
      '{"timestamp_ms":"1","status_code":200}',
      '{"timestamp_ms":1}',
      '{"timestamp_ms":1e300,"status_code":200}',
    ]
  ) {
    assert.equal(parseRequestRecord(bad), undefined, bad);
  }
});

Deno.test("parseRequestRecord() drops text fields of another type, so reports never crash", () => {
  const line = '{"timestamp_ms":1,"status_code":200,"model":5,"config_name":{"a":1},' +
    '"upstream_base_url":[1],"outcome":7,"usage":"lots"}';
  const record = parseRequestRecord(line);
  assert.ok(record);
  assert.equal(record.model, undefined);
  assert.equal(record.config_name, undefined);
  assert.equal(record.upstream_base_url, undefined);
  assert.equal(record.usage, null);
  assert.equal(isErrorRecord(record), false);
  for (const by of ["config", "upstream", "model", "day"] as const) {
    const builder = createSummaryBuilder({ by });
    builder.add(record);
    assert.equal(typeof builder.finish().rows[0]?.key, "string", by);
  }
  assert.match(formatTailTable([record]).join("\n"), /completed/);
});

Deno.test("summary groups by config and adds up requests, errors and tokens", () => {
  const s = summarize([
    makeRecord(),
    makeRecord({ status_code: 502, outcome: "upstream_error", usage: null, duration_ms: 3000 }),
    makeRecord({ outcome: "stream_cut", duration_ms: 2000 }),
    makeRecord({ config_name: "other" }),
    makeRecord({ config_name: null }),
  ]);
  assert.equal(s.by, "config");
  assert.deepEqual(s.rows.map((r) => [r.key, r.requests, r.errors]), [
    ["packy", 3, 2],
    ["(none)", 1, 0],
    ["other", 1, 0],
  ]);
  const packy = s.rows[0]!;
  assert.deepEqual(
    [
      packy.input_tokens,
      packy.cached_input_tokens,
      packy.output_tokens,
      packy.reasoning_tokens,
      packy.total_tokens,
    ],
    [200, 80, 40, 10, 240],
  );
  assert.equal(packy.median_duration_ms, 2000);
});

Deno.test("summary groups by upstream, model and day", () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 0, 15, 23, 0, 0);
  const records = [
    makeRecord({ timestamp_ms: t0, model: "gpt-5" }),
    makeRecord({
      timestamp_ms: t0 + 2 * 3_600_000,
      model: "gpt-5-mini",
      upstream_base_url: "https://b.example/v1",
    }),
    makeRecord({ timestamp_ms: t0 + day, model: null }),
  ];
  assert.deepEqual(summarize(records, { by: "upstream" }).rows.map((r) => [r.key, r.requests]), [
    ["https://api.packycode.com/v1", 2],
    ["https://b.example/v1", 1],
  ]);
  assert.deepEqual(summarize(records, { by: "model" }).rows.map((r) => r.key).sort(), [
    "(unknown)",
    "gpt-5",
    "gpt-5-mini",
  ]);
  assert.deepEqual(summarize(records, { by: "day" }).rows.map((r) => [r.key, r.requests]), [
    ["2026-01-15", 1],
    ["2026-01-16", 2],
  ]);
});

Deno.test("summary cached tokens fall back to Anthropic cache reads; old usage lacks fields", () => {
  const s = summarize([
    makeRecord({
      usage: {
        input_tokens: 10,
        output_tokens: 1,
        reasoning_tokens: 0,
        total_tokens: 11,
        cache_read_input_tokens: 7,
      },
    }),
    makeRecord({ usage: { input_tokens: 5 } as RequestRecord["usage"] }),
  ]);
  assert.equal(s.rows[0]?.cached_input_tokens, 7);
  assert.equal(s.rows[0]?.input_tokens, 15);
  assert.equal(s.rows[0]?.total_tokens, 11);
});

Deno.test("summary --since drops older records; malformed lines are counted", () => {
  const b = createSummaryBuilder({ sinceMs: 1000 });
  b.add(makeRecord({ timestamp_ms: 999 }));
  b.add(makeRecord({ timestamp_ms: 1000 }));
  b.addMalformed();
  b.addMalformed(2);
  const s = b.finish();
  assert.equal(s.rows[0]?.requests, 1);
  assert.equal(s.malformed_lines, 3);
  assert.equal(s.since_ms, 1000);
});

Deno.test("summary median is exact below 10 s and within 0.5% above", () => {
  const exact = summarize([1, 2, 3, 4, 100].map((d) => makeRecord({ duration_ms: d })));
  assert.equal(exact.rows[0]?.median_duration_ms, 3);
  const even = summarize([10, 20, 30, 41].map((d) => makeRecord({ duration_ms: d })));
  assert.equal(even.rows[0]?.median_duration_ms, 25);
  const durations = Array.from({ length: 20_001 }, (_, i) => 10_000 + i * 7);
  const big = summarize(durations.map((d) => makeRecord({ duration_ms: d })));
  const truth = 10_000 + 10_000 * 7;
  const got = big.rows[0]!.median_duration_ms!;
  assert.ok(Math.abs(got - truth) / truth <= 0.005, `${got} vs ${truth}`);
});

Deno.test("parseSince() reads durations, dates and ISO times", () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);
  assert.equal(parseSince("24h", now), now - 86_400_000);
  assert.equal(parseSince("7d", now), now - 7 * 86_400_000);
  assert.equal(parseSince("30m", now), now - 1_800_000);
  assert.equal(parseSince("2026-01-15", now), new Date(2026, 0, 15).getTime());
  assert.equal(parseSince("2026-01-15T10:00:00Z", now), Date.UTC(2026, 0, 15, 10));
  for (
    const bad of [
      "",
      "7",
      "yesterday",
      "2026-02-30",
      "-1d",
      "2026-02-30T10:00:00Z",
      "2026-04-31T00:00",
    ]
  ) {
    assert.throws(() => parseSince(bad, now), SinceParseError, bad);
  }
});

Deno.test("readLeadingTimestamp() reads the first field only when it is a plain number", () => {
  assert.equal(
    readLeadingTimestamp('{"timestamp_ms":1764000000000,"service":"codex"}'),
    1764000000000,
  );
  assert.equal(readLeadingTimestamp('{"timestamp_ms":5}'), 5);
  assert.equal(readLeadingTimestamp('{"timestamp_ms":1.5,"x":1}'), undefined);
  assert.equal(readLeadingTimestamp('{"timestamp_ms":,"x":1}'), undefined);
  assert.equal(readLeadingTimestamp('{ "timestamp_ms": 5 }'), undefined);
  assert.equal(readLeadingTimestamp('{"service":"codex","timestamp_ms":5}'), undefined);
  const line = JSON.stringify(makeRecord({ timestamp_ms: 1234 }));
  assert.equal(readLeadingTimestamp(line), 1234);
});

Deno.test("SummaryBuilder.merge() of two halves equals one builder over all records", () => {
  const records = Array.from({ length: 300 }, (_, i) =>
    makeRecord({
      timestamp_ms: Date.UTC(2026, 0, 1 + (i % 3)),
      config_name: ["a", "b", "c", null][i % 4]!,
      duration_ms: (i * 7919) % 25_000,
      status_code: i % 7 === 0 ? 500 : 200,
    }));
  for (const by of ["config", "day"] as const) {
    const whole = createSummaryBuilder({ by, dayOf: utcDay });
    const first = createSummaryBuilder({ by, dayOf: utcDay });
    const second = createSummaryBuilder({ by, dayOf: utcDay });
    records.forEach((r, i) => {
      whole.add(r);
      (i % 2 ? first : second).add(r);
    });
    whole.addMalformed(3);
    first.addMalformed(1);
    second.addMalformed(2);
    // the state crosses a structured clone, as it does from a worker
    first.merge(structuredClone(second.state()));
    assert.deepEqual(first.finish(), whole.finish());
    assert.equal(whole.finish().malformed_lines, 3);
  }
});
