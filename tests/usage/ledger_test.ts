import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLedger } from "../../src/usage/ledger.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";

function record(i: number): RequestRecord {
  return {
    timestamp_ms: 1_700_000_000_000 + i,
    service: "codex",
    method: "POST",
    path: "/v1/responses",
    status_code: 200,
    duration_ms: 12,
    config_name: "main",
    upstream_base_url: "https://a.example/v1",
    usage: { input_tokens: i, output_tokens: 1, reasoning_tokens: 0, total_tokens: i + 1 },
  };
}

async function lines(path: string): Promise<RequestRecord[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("ledger appends one JSON line per record, in order, creating the folder", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "logs", "requests.jsonl");
  const ledger = createLedger(path);
  for (let i = 0; i < 50; i++) ledger.append(record(i));
  await ledger.close();
  const got = await lines(path);
  assert.equal(got.length, 50);
  assert.deepEqual(got[7], record(7));
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ledger rotates past the size limit and keeps five old files", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "requests.jsonl");
  const lineSize = JSON.stringify(record(10)).length + 1;
  const ledger = createLedger(path, { maxBytes: lineSize * 3 });
  for (let i = 10; i < 40; i++) ledger.append(record(i));
  await ledger.close();
  const current = await lines(path);
  assert.ok(current.length >= 1 && current.length <= 3);
  assert.equal(current.at(-1)!.timestamp_ms, record(39).timestamp_ms);
  for (let k = 1; k <= 5; k++) assert.ok((await lines(`${path}.${k}`)).length >= 1);
  await assert.rejects(Deno.stat(`${path}.6`), Deno.errors.NotFound);
  // .1 holds the lines just before the current file
  const newestOld = await lines(`${path}.1`);
  assert.equal(newestOld.at(-1)!.timestamp_ms + 1, current[0]!.timestamp_ms);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ledger reports a write failure without throwing, and recovers", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "logs"), "a file where the folder should be");
  const errors: Error[] = [];
  const path = join(dir, "logs", "requests.jsonl");
  const ledger = createLedger(path, { onError: (e) => errors.push(e) });
  ledger.append(record(1));
  await ledger.flush();
  assert.equal(errors.length, 1);
  await Deno.remove(join(dir, "logs"));
  ledger.append(record(2));
  await ledger.close();
  assert.equal(errors.length, 1);
  assert.equal((await lines(path))[0]!.timestamp_ms, record(2).timestamp_ms);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("two processes appending and rotating one ledger lose and duplicate nothing", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "requests.jsonl");
  const writer = fileURLToPath(new URL("./ledger_writer.ts", import.meta.url));
  const count = 4000;
  // about 200 bytes a line: a rotation every ~40 lines from either process; nothing is dropped
  const run = (service: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", writer, path, service, String(count), "8000", "400"],
      stdout: "null",
      stderr: "piped",
    }).output();
  const results = await Promise.all([run("codex"), run("claude")]);
  for (const r of results) assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const files = [path];
  for (let k = 1; k <= 400; k++) files.push(`${path}.${k}`);
  const seen = new Map<string, number>();
  let rotated = 0;
  for (const file of files) {
    const text = await Deno.readTextFile(file).catch(() => null);
    if (text === null) continue;
    if (file !== path) rotated++;
    assert.ok(text === "" || text.endsWith("\n"), `${file} ends mid-line`);
    for (const line of text.split("\n").filter((l) => l !== "")) {
      const rec = JSON.parse(line) as RequestRecord;
      const key = `${rec.service}:${rec.duration_ms}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  assert.ok(rotated > 10, `only ${rotated} rotations`);
  await assert.rejects(Deno.stat(`${path}.400`), Deno.errors.NotFound);
  for (const service of ["codex", "claude"]) {
    for (let i = 0; i < count; i++) assert.equal(seen.get(`${service}:${i}`), 1, `${service} ${i}`);
  }
});

Deno.test("ledger queues records within a turn and writes them all on flush, in order", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "requests.jsonl");
  const ledger = createLedger(path);
  for (let i = 0; i < 5; i++) ledger.append(record(i));
  // nothing has touched the disk yet: the request that appended is not kept waiting
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  await ledger.flush();
  assert.deepEqual(
    (await lines(path)).map((r) => r.timestamp_ms),
    [0, 1, 2, 3, 4].map((i) => record(i).timestamp_ms),
  );
  ledger.append(record(5));
  await ledger.close();
  assert.equal((await lines(path)).length, 6);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ledger loses no line when its folder is removed while it runs", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "logs", "requests.jsonl");
  let t = 1_000_000;
  const errors: Error[] = [];
  const ledger = createLedger(path, { now: () => t, onError: (e) => errors.push(e) });
  ledger.append(record(1));
  await ledger.flush();
  await Deno.remove(join(dir, "logs"), { recursive: true });
  t += 2000;
  ledger.append(record(2));
  await ledger.close();
  assert.deepEqual(errors, []);
  assert.deepEqual((await lines(path)).map((r) => r.timestamp_ms), [record(2).timestamp_ms]);
  await Deno.remove(dir, { recursive: true });
});
