import assert from "node:assert/strict";
import {
  type LogRange,
  planLogRanges,
  statLogFiles,
  streamRangeLines,
} from "../../src/usage/log_ranges.ts";
import { streamLogLines } from "../../src/usage/log_reader.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

async function collectRanges(ranges: LogRange[], chunkSize?: number): Promise<string[]> {
  const out: string[] = [];
  for (const range of ranges) {
    const options = chunkSize !== undefined ? { chunkSize } : {};
    for await (const batch of streamRangeLines(range, options)) out.push(...batch);
  }
  return out;
}

async function collectWhole(logPath: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of streamLogLines(logPath)) out.push(...batch);
  return out;
}

Deno.test("planLogRanges() splits the bytes evenly in file order; last pieces read to the end", () => {
  const files = [{ path: "a", size: 10 }, { path: "b", size: 0 }, { path: "c", size: 20 }];
  assert.deepEqual(planLogRanges(files, 1), [[
    { path: "a", start: 0, end: Infinity },
    { path: "b", start: 0, end: Infinity },
    { path: "c", start: 0, end: Infinity },
  ]]);
  assert.deepEqual(planLogRanges(files, 2), [
    [{ path: "a", start: 0, end: Infinity }, { path: "b", start: 0, end: Infinity }, {
      path: "c",
      start: 0,
      end: 5,
    }],
    [{ path: "c", start: 5, end: Infinity }],
  ]);
  assert.deepEqual(planLogRanges([{ path: "a", size: 9 }], 3), [
    [{ path: "a", start: 0, end: 3 }],
    [{ path: "a", start: 3, end: 6 }],
    [{ path: "a", start: 6, end: Infinity }],
  ]);
  assert.deepEqual(planLogRanges([], 2), [[], []]);
});

Deno.test("streamRangeLines() over any split point reads each line exactly once", async (t) => {
  await using home = await createTempHome();
  const text = "\uFEFF" + '{"a":1}\r\n\n  \nü€𝄞 x\n\uFEFFbom-inside\r\n\r\n{"b":"é"}\nlast \r';
  const log = await home.write(".codex-proxy/logs/requests.jsonl", text);
  const whole = await collectWhole(log);
  assert.deepEqual(whole.slice(0, 2), ['{"a":1}', "  "]); // the file's BOM is dropped
  assert.equal(whole.at(-1), "last \r"); // a final line without newline is kept as is
  const size = new TextEncoder().encode(text).length;
  for (const chunkSize of [1, 5, 64]) {
    await t.step(`reads of ${chunkSize} bytes`, async () => {
      for (let a = 0; a <= size; a++) {
        for (let b = a; b <= size; b++) {
          const ranges = [
            { path: log, start: 0, end: a },
            { path: log, start: a, end: b },
            { path: log, start: b, end: Infinity },
          ];
          assert.deepEqual(await collectRanges(ranges, chunkSize), whole, `split ${a}, ${b}`);
        }
      }
    });
  }
});

Deno.test("streamRangeLines() planned over rotations equals the single reader", async () => {
  await using home = await createTempHome();
  const line = (i: number) => `{"n":${i},"s":"${"ü".repeat(i % 7)}${"x".repeat(i % 300)}"}`;
  const names = ["requests.jsonl.5", "requests.jsonl.3", "requests.jsonl.1", "requests.jsonl"];
  let n = 0;
  for (const [f, name] of names.entries()) {
    const lines = Array.from({ length: 400 + f * 50 }, () => line(n++));
    await home.write(`.codex-proxy/logs/${name}`, lines.join("\n") + (f === 1 ? "" : "\n"));
  }
  const log = home.paths.requestLog;
  const whole = await collectWhole(log);
  assert.equal(whole.length, n);
  const files = await statLogFiles(log);
  assert.equal(files.length, 4);
  for (const parts of [1, 2, 3, 4, 7]) {
    const got: string[] = [];
    for (const share of planLogRanges(files, parts)) got.push(...await collectRanges(share, 4096));
    assert.deepEqual(got, whole, `${parts} parts`);
  }
});

Deno.test("streamRangeLines() of a missing file yields nothing", async () => {
  await using home = await createTempHome();
  assert.deepEqual(
    await collectRanges([{ path: home.paths.requestLog, start: 0, end: Infinity }]),
    [],
  );
});
