import assert from "node:assert/strict";
import { readLeadingTimestampBytes, SummaryLineScanner } from "../../src/usage/record_scan.ts";
import { parseRequestRecord, readLeadingTimestamp } from "../../src/usage/record_parse.ts";
import { createSummaryBuilder, type Summary, SUMMARY_GROUPINGS } from "../../src/usage/summary.ts";
import { makeRecord } from "../_fakes/request_records.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The reports of one line by every grouping: via the scanner when it accepts the line, else parsed. */
function reports(bytes: Uint8Array, scanner?: SummaryLineScanner): Summary[] {
  return SUMMARY_GROUPINGS.map((by) => {
    const builder = createSummaryBuilder({ by, dayOf: utcDay });
    if (scanner?.scan(bytes, 0, bytes.length)) builder.add(scanner.record);
    else {
      const record = parseRequestRecord(decoder.decode(bytes));
      if (record === undefined) builder.addMalformed();
      else builder.add(record);
    }
    return builder.finish();
  });
}

function assertSameAsParse(bytes: Uint8Array, scanner: SummaryLineScanner): boolean {
  const accepted = scanner.scan(bytes, 0, bytes.length);
  assert.deepEqual(reports(bytes, scanner), reports(bytes), JSON.stringify(decoder.decode(bytes)));
  return accepted;
}

const VALID = JSON.stringify(makeRecord({ outcome: "stream_cut" }));

const CASES: string[] = [
  VALID,
  JSON.stringify(makeRecord({ usage: null, status_code: 502, outcome: "upstream_error" })),
  JSON.stringify(makeRecord({ config_name: null, model: null, upstream_base_url: null })),
  ' \t{"timestamp_ms" : 5 , "status_code":200}\r ',
  '{"timestamp_ms":5,"status_code":200,"duration_ms":1.5e3,"usage":{"input_tokens":-0.0}}',
  '{"timestamp_ms":5,"status_code":200,"duration_ms":12345678901234567890}',
  '{"timestamp_ms":5,"status_code":200,"config_name":"a","config_name":"b"}',
  '{"timestamp_ms":5,"status_code":200,"config_name":"a","config_name":7}',
  '{"timestamp_ms":5,"status_code":200,"config_name":"\\u0061"}',
  '{"timestamp_ms":5,"status_code":200,"outcome":"complet\\u0065d"}',
  '{"timestamp_ms":5,"status_code":200,"outcome":null}',
  '{"timestamp_ms":5,"status_code":200,"outcome":1}',
  '{"timestamp_ms":5,"status_code":200,"usage":[]}',
  '{"timestamp_ms":5,"status_code":200,"usage":{"total_tokens":"9","cached_input_tokens":null,' +
  '"cache_read_input_tokens":4,"__proto__":{"input_tokens":3}}}',
  '{"timestamp_ms":5,"status_code":200,"usage":{"output_tokens":1},"usage":{"input_tokens":2}}',
  '{"timestamp_ms":5,"status_code":200,"usage":{"output_tokens":1},"usage":null}',
  '{"timestamp_ms":5,"status_code":200,"attempts":[{"error":"say \\"hi\\"\\n\\u00e9"},[],{}]}',
  '{"timestamp_ms":5,"status_code":200,"x":[1,]}',
  '{"timestamp_ms":5,"status_code":200,}',
  '{"timestamp_ms":5,"status_code":200}x',
  '{"timestamp_ms":1e999,"status_code":200}',
  '{"timestamp_ms":5,"status_code":1e999}',
  '{"timestamp_ms":5,"status_code":"200"}',
  '{"timestamp_ms":5}',
  '{"timestamp_ms":5,"status_code":200,"duration_ms":"slow"}',
  '{"timestamp_ms":05,"status_code":200}',
  '{"timestamp_ms":-5,"status_code":200,"duration_ms":-1}',
  '{"timestamp_ms":5.,"status_code":200}',
  '{"timestamp_ms":5,"status_code":200,"model":"gpt\t5"}',
  '{"timestamp_ms":5,"status_code":200,"model":"gpt-5 ü€𝄞"}',
  '{"timestamp_ms":5,"status_code":200,"model":"\uFEFFbom"}',
  '{"timestamp_ms":5,"status_code":200,"x":' + "[".repeat(100) + "]".repeat(100) + "}",
  '{"timestamp_\\u006ds":5,"status_code":200}',
  "{}",
  "[]",
  "null",
  "",
];

Deno.test("SummaryLineScanner gives what parseRequestRecord gives, or declines", () => {
  const scanner = new SummaryLineScanner();
  const accepted = CASES.filter((line) => assertSameAsParse(encoder.encode(line), scanner));
  // the usual lines take the fast path
  assert.ok(accepted.includes(VALID));
  assert.ok(accepted.includes(CASES[1]!) && accepted.includes(CASES[2]!));
  assert.ok(!accepted.includes('{"timestamp_ms":5,"status_code":200}x'));
  // invalid UTF-8 inside a string is decoded as the stream decoder does it
  const bad = encoder.encode('{"timestamp_ms":5,"status_code":200,"model":"ab"}');
  bad[bad.length - 3] = 0xe2;
  assertSameAsParse(bad, scanner);
});

Deno.test("SummaryLineScanner agrees with parseRequestRecord on mutated lines", () => {
  const scanner = new SummaryLineScanner();
  const pieces = ['"', "\\", "{", "}", "[", "]", ",", ":", "0", "9", "-", "e", ".", "n", " ", "\t"]
    .map((s) => encoder.encode(s)).concat([
      new Uint8Array([0x01]),
      new Uint8Array([0xc3]),
      new Uint8Array([0xff]),
      encoder.encode("null"),
      encoder.encode('"x"'),
      encoder.encode("\\u00"),
    ]);
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let accepted = 0;
  for (let round = 0; round < 4000; round++) {
    const base = encoder.encode(CASES[random(4)]!);
    let bytes: Uint8Array = base;
    for (let m = 0; m <= random(3); m++) {
      const at = random(bytes.length + 1);
      const op = random(3);
      const piece = pieces[random(pieces.length)]!;
      const head = bytes.subarray(0, at);
      const tail = bytes.subarray(op === 0 ? at : Math.min(bytes.length, at + 1));
      const next = new Uint8Array(head.length + (op === 2 ? 0 : piece.length) + tail.length);
      next.set(head);
      if (op !== 2) next.set(piece, head.length);
      next.set(tail, next.length - tail.length);
      bytes = next;
    }
    if (assertSameAsParse(bytes, scanner)) accepted++;
  }
  assert.ok(accepted > 100, `${accepted} mutated lines took the fast path`);
});

Deno.test("readLeadingTimestampBytes() answers as readLeadingTimestamp() does", () => {
  for (
    const line of [
      '{"timestamp_ms":1764000000000,"x":1}',
      '{"timestamp_ms":1}',
      '{"timestamp_ms":12345678901234567,"x":1}',
      '{"timestamp_ms":,"x":1}',
      '{"timestamp_ms":5',
      ' {"timestamp_ms":5,',
      "",
    ]
  ) {
    const bytes = encoder.encode(line);
    assert.equal(readLeadingTimestampBytes(bytes, 0, bytes.length), readLeadingTimestamp(line));
  }
});
