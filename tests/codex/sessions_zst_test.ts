import assert from "node:assert/strict";
import { join } from "node:path";
import { zstdCompressSync } from "node:zlib";
import { findSessions, listRolloutFiles } from "../../src/codex/sessions.ts";
import { readFirstPrompt, readMetaFromPath } from "../../src/codex/rollout_reader.ts";
import { rolloutText } from "./sessions_rollouts.ts";

const ID_A = "01a24c2c-24ad-75f1-8bd0-a7c65a10b972";
const ID_B = "01a24c2c-31f9-77f1-845f-436fcbf558e5";

async function tempSessions(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-zst-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

async function writeZst(dir: string, id: string, text: string, mtime?: Date): Promise<string> {
  const day = join(dir, "2026", "11", "20");
  await Deno.mkdir(day, { recursive: true });
  const path = join(day, `rollout-2026-11-20T10-00-00-${id}.jsonl.zst`);
  await Deno.writeFile(path, zstdCompressSync(new TextEncoder().encode(text)));
  if (mtime) await Deno.utime(path, mtime, mtime);
  return path;
}

/** Many lines after the prompt: the compressed file spans several zstd blocks. */
function longTail(): string {
  let tail = "";
  for (let i = 0; tail.length < 3 * 1024 * 1024; i++) {
    tail += JSON.stringify({ type: "response_item", payload: { n: i, r: Math.random() } }) + "\n";
  }
  return tail;
}

Deno.test("findSessions() lists a compressed rollout with its metadata and first prompt", async () => {
  await using s = await tempSessions();
  await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/home/dev/app", prompt: "zipped" }));
  const r = await findSessions(s.dir, { project: "/home/dev/app" });
  assert.equal(r.sessions.length, 1);
  assert.equal(r.sessions[0]!.id, ID_A);
  assert.equal(r.sessions[0]!.prompt, "zipped");
  const all = await findSessions(s.dir, {});
  assert.equal(all.sessions[0]?.prompt, "zipped");
});

Deno.test("a compressed rollout is read only as far as its head: a cut-off tail does not matter", async () => {
  await using s = await tempSessions();
  const text = rolloutText({ id: ID_A, cwd: "/home/dev/app", prompt: "head only" }) + longTail();
  const path = await writeZst(s.dir, ID_A, text);
  const whole = await Deno.readFile(path);
  // keep the first third: decompressing the whole file would fail
  await Deno.writeFile(path, whole.subarray(0, Math.floor(whole.length / 3)));
  const meta = await readMetaFromPath(path);
  assert.equal(meta.kind === "meta" && meta.meta.id, ID_A);
  assert.equal((await readFirstPrompt(path)).prompt, "head only");
});

Deno.test("a file named .jsonl.zst that is not zstd is skipped, not fatal", async () => {
  await using s = await tempSessions();
  const day = join(s.dir, "2026", "11", "20");
  await Deno.mkdir(day, { recursive: true });
  await Deno.writeTextFile(join(day, `rollout-2026-11-20T10-00-00-${ID_B}.jsonl.zst`), "plain?");
  await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/p", prompt: "ok" }));
  const r = await findSessions(s.dir, { project: "/p" });
  assert.equal(r.sessions.length, 1);
  assert.equal(r.skippedFiles, 1);
});

Deno.test("the heads of compressed rollouts are remembered while size and mtime stay", async () => {
  await using s = await tempSessions();
  const cache = join(s.dir, "cache", "heads.json");
  const mtime = new Date(Date.UTC(2026, 10, 20));
  const path = await writeZst(
    s.dir,
    ID_A,
    rolloutText({ id: ID_A, cwd: "/p", prompt: "x" }),
    mtime,
  );
  assert.equal((await findSessions(s.dir, { project: "/p", headCacheFile: cache })).matched, 1);
  assert.match(await Deno.readTextFile(cache), new RegExp(ID_A));
  // from the cache, the fields it does not keep still come from the first line
  const hit = await findSessions(s.dir, { project: "/p", headCacheFile: cache });
  assert.equal(hit.sessions[0]?.originator, "codex_cli_rs");
  assert.equal(hit.sessions[0]?.cliVersion, "0.50.0");
  assert.equal(hit.sessions[0]?.startedAt, "2026-01-02T03:04:05.000Z");
  // same size and mtime, other bytes: the remembered head is used
  const size = (await Deno.stat(path)).size;
  await Deno.writeFile(path, new Uint8Array(size).fill(0x20));
  await Deno.utime(path, mtime, mtime);
  assert.equal((await findSessions(s.dir, { project: "/p", headCacheFile: cache })).matched, 1);
  // a new mtime: read again (and now it is not a session)
  await Deno.utime(path, new Date(), new Date());
  const again = await findSessions(s.dir, { project: "/p", headCacheFile: cache });
  assert.equal(again.matched, 0);
  assert.equal(again.skippedFiles, 1);
  // a file gone: its entry is dropped
  await Deno.remove(path);
  await findSessions(s.dir, { project: "/p", headCacheFile: cache });
  assert.doesNotMatch(await Deno.readTextFile(cache), new RegExp(ID_A));
});

Deno.test("paginated history: the first prompt of an item_completed UserMessage", async () => {
  await using s = await tempSessions();
  const day = join(s.dir, "2026", "11", "20");
  await Deno.mkdir(day, { recursive: true });
  const meta = {
    timestamp: "2026-11-20T10:00:00.000Z",
    ordinal: 0,
    type: "session_meta",
    payload: { id: ID_A, cwd: "/p", model_provider: "relay", history_mode: "paginated" },
  };
  const item = {
    ordinal: 5,
    type: "event_msg",
    payload: {
      type: "item_completed",
      item: { type: "UserMessage", content: [{ type: "text", text: "paged prompt" }] },
    },
  };
  const path = join(day, `rollout-2026-11-20T10-00-00-${ID_A}.jsonl`);
  await Deno.writeTextFile(path, `${JSON.stringify(meta)}\n${JSON.stringify(item)}\n`);
  assert.equal((await readFirstPrompt(path)).prompt, "paged prompt");
});

Deno.test("a fork's first prompt is its parent's (session_meta.history_base)", async () => {
  await using s = await tempSessions();
  await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/p", prompt: "the original task" }));
  const day = join(s.dir, "2026", "11", "21");
  await Deno.mkdir(day, { recursive: true });
  const fork = {
    type: "session_meta",
    payload: {
      id: ID_B,
      forked_from_id: ID_A,
      cwd: "/p",
      model_provider: "relay",
      history_mode: "paginated",
      history_base: { thread_id: ID_A, end_ordinal_exclusive: 14, end_byte_offset: 1_000_000 },
    },
  };
  const own = {
    type: "response_item",
    payload: { type: "message", role: "user", content: [{ type: "input_text", text: "more" }] },
  };
  const path = join(day, `rollout-2026-11-21T10-00-00-${ID_B}.jsonl`);
  await Deno.writeTextFile(path, `${JSON.stringify(fork)}\n${JSON.stringify(own)}\n`);
  const r = await findSessions(s.dir, { project: "/p" });
  const found = r.sessions.find((x) => x.id === ID_B);
  assert.equal(found?.prompt, "the original task");
  // without the parent's rollout: the fork's own prompt
  await Deno.remove(join(s.dir, "2026", "11", "20"), { recursive: true });
  const alone = await findSessions(s.dir, { project: "/p" });
  assert.equal(alone.sessions[0]?.prompt, "more");
});

Deno.test({
  name: "a FIFO, a socket or a link to a FIFO named like a rollout is not opened (no hang)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using s = await tempSessions();
    const day = join(s.dir, "2026", "11", "20");
    await Deno.mkdir(day, { recursive: true });
    const fifo = join(day, `rollout-2026-11-20T10-00-00-${ID_B}.jsonl`);
    const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(mk.success);
    await Deno.symlink(fifo, join(day, "rollout-2026-11-20T10-00-01-link.jsonl.zst"));
    using _socket = Deno.listen({
      transport: "unix",
      path: join(day, "rollout-2026-11-20T10-00-02-sock.jsonl"),
    });
    await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/p", prompt: "real" }));
    assert.deepEqual(listRolloutFiles(s.dir)?.files.map((f) => f.slice(-10)), [
      ".jsonl.zst",
    ]);
    const r = await findSessions(s.dir, { project: "/p" });
    assert.equal(r.sessions.length, 1);
    const all = await findSessions(s.dir, { limit: 0 });
    assert.equal(all.sessions.length, 1);
  },
});

Deno.test("an unreadable sessions folder or subfolder is reported, not taken for no sessions", async () => {
  await using s = await tempSessions();
  await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/p", prompt: "x" }));
  const denied = (blocked: string) => (path: string) => {
    if (path === blocked) throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
    return Deno.readDirSync(path);
  };
  const top = await findSessions(s.dir, { project: "/p", readDir: denied(s.dir) });
  assert.equal(top.missingFolder, false);
  assert.deepEqual(top.unreadableFolders, [s.dir]);
  const day = join(s.dir, "2026", "11", "20");
  const sub = await findSessions(s.dir, { project: "/p", readDir: denied(day) });
  assert.deepEqual(sub.unreadableFolders, [day]);
  assert.equal(sub.sessions.length, 0);
});

Deno.test("saveHeadCache: false reads the remembered heads but writes nothing", async () => {
  await using s = await tempSessions();
  const cache = join(s.dir, "cache", "heads.json");
  await writeZst(s.dir, ID_A, rolloutText({ id: ID_A, cwd: "/p", prompt: "x" }));
  const r = await findSessions(s.dir, {
    project: "/p",
    headCacheFile: cache,
    saveHeadCache: false,
  });
  assert.equal(r.matched, 1);
  assert.equal(await Deno.stat(cache).catch(() => null), null);
});
