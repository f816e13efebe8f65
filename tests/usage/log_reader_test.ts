import assert from "node:assert/strict";
import { readLastLines, streamLogLines } from "../../src/usage/log_reader.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

async function collect(logPath: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of streamLogLines(logPath)) out.push(...batch);
  return out;
}

Deno.test("readLastLines() returns the last lines exactly, across chunk boundaries", async (t) => {
  await using home = await createTempHome();
  const log = home.paths.requestLog;
  const lines = Array.from({ length: 30 }, (_, i) => `{"n":${i},"s":"ü€𝄞 ${"x".repeat(i)}"}`);
  await home.write(".codex-proxy/logs/requests.jsonl", lines.join("\n") + "\n");
  for (const chunkSize of [1, 3, 7, 64, 65536]) {
    await t.step(`chunk ${chunkSize}`, async () => {
      assert.deepEqual(await readLastLines(log, 5, { chunkSize }), lines.slice(-5));
      assert.deepEqual(await readLastLines(log, 1, { chunkSize }), lines.slice(-1));
      assert.deepEqual(await readLastLines(log, 100, { chunkSize }), lines);
    });
  }
});

Deno.test("readLastLines() handles no final newline, CRLF and blank lines", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", 'a\r\n\n\nb\r\n{"c":1}');
  assert.deepEqual(await readLastLines(log, 10, { chunkSize: 2 }), ["a", "b", '{"c":1}']);
  assert.deepEqual(await readLastLines(log, 2), ["b", '{"c":1}']);
});

Deno.test("readLastLines() continues into the rotations, newest first", async () => {
  await using home = await createTempHome();
  const log = home.paths.requestLog;
  await home.write(".codex-proxy/logs/requests.jsonl.2", "r2a\nr2b\n");
  await home.write(".codex-proxy/logs/requests.jsonl.1", "r1a\n");
  await home.write(".codex-proxy/logs/requests.jsonl", "c1\nc2\n");
  assert.deepEqual(await readLastLines(log, 2), ["c1", "c2"]);
  assert.deepEqual(await readLastLines(log, 4), ["r2b", "r1a", "c1", "c2"]);
  assert.deepEqual(await readLastLines(log, 99), ["r2a", "r2b", "r1a", "c1", "c2"]);
  assert.deepEqual(await readLastLines(log, 99, { rotations: false }), ["c1", "c2"]);
});

Deno.test("readLastLines() of a missing log is empty", async () => {
  await using home = await createTempHome();
  assert.deepEqual(await readLastLines(home.paths.requestLog, 20), []);
});

Deno.test("streamLogLines() yields every line of .5 ... .1 then the current file", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/logs/requests.jsonl.5", "five\n");
  await home.write(".codex-proxy/logs/requests.jsonl.3", "three-a\r\nthree-b");
  await home.write(".codex-proxy/logs/requests.jsonl.1", "\none\n\n");
  await home.write(".codex-proxy/logs/requests.jsonl", "now\n");
  assert.deepEqual(await collect(home.paths.requestLog), [
    "five",
    "three-a",
    "three-b",
    "one",
    "now",
  ]);
});

Deno.test("streamLogLines() keeps lines and multibyte text intact across 1 MiB reads", async () => {
  await using home = await createTempHome();
  // lines of 1000 bytes with a 4-byte character at varying offsets, ~3 MiB in total
  const lines = Array.from({ length: 3000 }, (_, i) => {
    const pad = "x".repeat(i % 990);
    return `${pad}𝄞${"y".repeat(1000 - 4 - 1 - pad.length)}`;
  });
  await home.write(".codex-proxy/logs/requests.jsonl", lines.join("\n") + "\n");
  const got = await collect(home.paths.requestLog);
  assert.equal(got.length, lines.length);
  assert.ok(got.every((l, i) => l === lines[i]));
});
