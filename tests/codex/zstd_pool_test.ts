import assert from "node:assert/strict";
import { join } from "node:path";
import { zstdCompressSync } from "node:zlib";
import { openCompressedRolloutSync, readRolloutChunks } from "../../src/codex/rollout_source.ts";
import { zstdDecoderCounts } from "../../src/codex/zstd_pool.ts";
import { findSessions } from "../../src/codex/sessions.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Distinct text per file, long enough for several zstd blocks (128 KB each). */
function textOf(tag: string, bytes = 600_000): string {
  let text = "";
  for (let i = 0; text.length < bytes; i++) {
    text += JSON.stringify({ tag, n: i, r: Math.random().toString(36) }) + "\n";
  }
  return text;
}

async function tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-zstd-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

function readAllSync(path: string, step: number): string {
  using reader = openCompressedRolloutSync(path);
  assert.ok(reader, "this runtime decompresses synchronously");
  const buffer = new Uint8Array(step);
  let text = "";
  for (let n = reader.readSync(buffer); n !== null; n = reader.readSync(buffer)) {
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
  return text + decoder.decode();
}

Deno.test("a pooled decompressor stopped mid-file gives the next file only its own text", async () => {
  await using t = await tempDir();
  const texts = ["a", "b", "c"].map((tag) => textOf(tag));
  const paths = texts.map((_, i) => join(t.dir, `rollout-${i}.jsonl.zst`));
  for (const [i, text] of texts.entries()) {
    await Deno.writeFile(paths[i]!, zstdCompressSync(encoder.encode(text)));
  }
  const before = zstdDecoderCounts();
  for (let round = 0; round < 30; round++) {
    const i = round % 3;
    // a head: 4 KB of a multi-block file, the rest left undecoded
    using reader = openCompressedRolloutSync(paths[i]!);
    const head = new Uint8Array(4096);
    assert.equal(reader!.readSync(head), 4096);
    assert.equal(decoder.decode(head), texts[i]!.slice(0, 4096));
  }
  // the async reader, stopped after its first chunk, then read whole
  for (const [i, path] of paths.entries()) {
    for await (const chunk of readRolloutChunks(path, 2 * 1024 * 1024)) {
      assert.ok(decoder.decode(chunk).startsWith(texts[i]!.slice(0, 100)));
      break;
    }
    let whole = "";
    for await (const chunk of readRolloutChunks(path, 2 * 1024 * 1024)) {
      whole += decoder.decode(chunk, { stream: true });
    }
    assert.equal(whole, texts[i]);
  }
  const after = zstdDecoderCounts();
  // reset and reused, not one per file (each new one costs time and memory kept to the end)
  assert.ok(after.created - before.created <= 4, `${after.created - before.created} created`);
  assert.ok(after.raw > 0, "decoded synchronously, only as far as read");
});

Deno.test("openCompressedRolloutSync() reads the whole text; a short read only at the end", async () => {
  await using t = await tempDir();
  const text = textOf("whole", 400_000);
  const path = join(t.dir, "rollout-x.jsonl.zst");
  await Deno.writeFile(path, zstdCompressSync(encoder.encode(text)));
  assert.equal(readAllSync(path, 4096), text);
  assert.equal(readAllSync(path, 100_000), text);
  using reader = openCompressedRolloutSync(path);
  const big = new Uint8Array(300_000);
  assert.equal(reader!.readSync(big), 300_000, "fills the buffer while text is left");
  assert.equal(reader!.readSync(big), text.length - 300_000);
  assert.equal(reader!.readSync(big), null);
});

Deno.test("openCompressedRolloutSync(): a cut-off file ends its text, a file not zstd throws", async () => {
  await using t = await tempDir();
  const text = textOf("cut", 1_000_000);
  const path = join(t.dir, "rollout-cut.jsonl.zst");
  const whole = zstdCompressSync(encoder.encode(text));
  await Deno.writeFile(path, whole.subarray(0, Math.floor(whole.length / 2)));
  const partial = readAllSync(path, 8192);
  assert.ok(partial.length > 0 && partial.length < text.length);
  assert.ok(text.startsWith(partial));
  const bad = join(t.dir, "rollout-bad.jsonl.zst");
  await Deno.writeTextFile(bad, "plain text, not zstd\n");
  using reader = openCompressedRolloutSync(bad);
  assert.throws(() => reader!.readSync(new Uint8Array(4096)));
  const empty = join(t.dir, "rollout-empty.jsonl.zst");
  await Deno.writeFile(empty, new Uint8Array());
  assert.equal(readAllSync(empty, 4096), "");
});

Deno.test("a compressed head whose fields lie past the first 4 KB is still found (read further)", async () => {
  await using t = await tempDir();
  const id = "01a24c2c-24ad-75f1-8bd0-a7c65a10b972";
  const day = join(t.dir, "2026", "11", "20");
  await Deno.mkdir(day, { recursive: true });
  const meta = {
    type: "session_meta",
    payload: {
      base_instructions: { text: "instructions ".repeat(2000) },
      id,
      cwd: "/home/dev/far",
      model_provider: "relay",
    },
  };
  const prompt = {
    type: "event_msg",
    payload: { type: "user_message", message: "past the quick read" },
  };
  const text = `${JSON.stringify(meta)}\n${JSON.stringify(prompt)}\n` + textOf("tail");
  const path = join(day, `rollout-2026-11-20T10-00-00-${id}.jsonl.zst`);
  await Deno.writeFile(path, zstdCompressSync(encoder.encode(text)));
  const cache = join(t.dir, "heads.json");
  const cold = await findSessions(t.dir, { project: "/home/dev/far", headCacheFile: cache });
  assert.equal(cold.sessions[0]?.id, id);
  assert.equal(cold.sessions[0]?.modelProvider, "relay");
  assert.equal(cold.sessions[0]?.prompt, "past the quick read");
  const warm = await findSessions(t.dir, { project: "/home/dev/far", headCacheFile: cache });
  assert.equal(warm.sessions[0]?.id, id);
});

Deno.test("a compressed head is read without decoding the rest: a damaged tail does not hide it", async () => {
  await using t = await tempDir();
  const id = "01a24c2c-31f9-77f1-845f-436fcbf558e5";
  const day = join(t.dir, "2026", "11", "20");
  await Deno.mkdir(day, { recursive: true });
  const meta = {
    type: "session_meta",
    payload: { id, cwd: "/home/dev/tail", model_provider: "x" },
  };
  const text = `${JSON.stringify(meta)}\n` + textOf("tail", 2_000_000);
  const compressed = zstdCompressSync(encoder.encode(text));
  // damage the last quarter of the frame: decoding that far would fail
  const damaged = compressed.slice();
  damaged.fill(0xff, Math.floor(damaged.length * 0.75));
  const path = join(day, `rollout-2026-11-20T10-00-00-${id}.jsonl.zst`);
  await Deno.writeFile(path, damaged);
  const r = await findSessions(t.dir, { project: "/home/dev/tail", prompts: false });
  assert.equal(r.skippedFiles, 0);
  assert.equal(r.sessions[0]?.id, id);
});
