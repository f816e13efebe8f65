import assert from "node:assert/strict";
import { join } from "node:path";
import { findSessions } from "../../src/codex/sessions.ts";
import { readFirstPrompt } from "../../src/codex/rollout_reader.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { copyFixtures, writeRollout } from "./sessions_rollouts.ts";

const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12));

Deno.test("findSessions() reads the real rollouts", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  await copyFixtures(dir);
  const result = await findSessions(dir, { project: "/home/dev/my-app", os: "posix" });
  assert.equal(result.matched, 2);
  assert.deepEqual(result.sessions.map((s) => s.prompt), ["say hi", "say hi"]);
  assert.deepEqual(result.sessions.map((s) => s.modelProvider), ["mock", "mock"]);
  assert.deepEqual(
    new Set(result.sessions.map((s) => s.id)),
    new Set(["01a21d1f-203b-73c1-8dc0-eb6939fb72cd", "01a21d23-0d3b-7582-a0a4-8a527fab8de5"]),
  );
});

Deno.test("findSessions() ranks same folder, then subfolders, then parents; newest first", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  const specs: [string, string, number][] = [
    ["parent-new", "/home/dev", 20],
    ["sub-new", "/home/dev/app/packages/core", 19],
    ["same-old", "/home/dev/app", 1],
    ["same-new", "/home/dev/app/", 10],
    ["sub-old", "/home/dev/app/docs", 2],
    ["other", "/home/dev/other", 30],
    ["sibling-prefix", "/home/dev/app2", 31],
  ];
  for (const [id, cwd, d] of specs) {
    await writeRollout(dir, { id, cwd, prompt: `prompt ${id}`, mtime: day(d) });
  }
  const result = await findSessions(dir, { project: "/home/dev/app", os: "posix" });
  assert.deepEqual(result.sessions.map((s) => s.id), [
    "same-new",
    "same-old",
    "sub-new",
    "sub-old",
    "parent-new",
  ]);
  assert.deepEqual(result.sessions.map((s) => s.rank), [0, 0, 1, 1, 2]);
  assert.equal(result.sessions[0]!.updatedAt.getTime(), day(10).getTime());

  const limited = await findSessions(dir, { project: "/home/dev/app", os: "posix", limit: 2 });
  assert.deepEqual(limited.sessions.map((s) => s.id), ["same-new", "same-old"]);
  assert.equal(limited.matched, 5);

  const all = await findSessions(dir, { os: "posix", limit: 3 });
  assert.deepEqual(all.sessions.map((s) => s.id), ["sibling-prefix", "other", "parent-new"]);
  assert.equal(all.sessions[0]!.prompt, "prompt sibling-prefix");
  assert.equal(all.matched, 7);

  const none = await findSessions(dir, { project: "/srv/elsewhere", os: "posix" });
  assert.equal(none.matched, 0);
  assert.deepEqual(none.sessions, []);
  assert.equal(none.scanned, 7);
});

Deno.test("findSessions() puts the closest parent folder first and the root last", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  const specs: [string, string, number][] = [
    ["root-newest", "/", 30],
    ["home", "/home", 20],
    ["dev-old", "/home/dev/", 10],
    ["same", "/home/dev/app", 1],
  ];
  for (const [id, cwd, d] of specs) {
    await writeRollout(dir, { id, cwd, prompt: `prompt ${id}`, mtime: day(d) });
  }
  const result = await findSessions(dir, {
    project: "/home/dev/app",
    os: "posix",
    realPath: (p) => p,
  });
  assert.deepEqual(result.sessions.map((s) => s.id), ["same", "dev-old", "home", "root-newest"]);
  const last = await findSessions(dir, { project: "/home/dev", os: "posix", realPath: (p) => p });
  assert.deepEqual(last.sessions.map((s) => s.id), ["dev-old", "same", "home", "root-newest"]);
});

Deno.test("findSessions() lists a session id found in two files once, the newer file", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  const older = await writeRollout(dir, { id: "twice", cwd: "/home/dev/app", prompt: "old copy" });
  await Deno.rename(older, older.replace("twice", "twice-copy"));
  await Deno.utime(older.replace("twice", "twice-copy"), day(1), day(1));
  await writeRollout(dir, { id: "twice", cwd: "/home/dev/app", prompt: "new copy", mtime: day(3) });
  await writeRollout(dir, { id: "other", cwd: "/home/dev/app", prompt: "other", mtime: day(2) });
  const project = await findSessions(dir, {
    project: "/home/dev/app",
    os: "posix",
    realPath: (p) => p,
  });
  assert.deepEqual(project.sessions.map((s) => [s.id, s.prompt]), [
    ["twice", "new copy"],
    ["other", "other"],
  ]);
  assert.equal(project.matched, 2);
  const all = await findSessions(dir, { os: "posix", limit: 2 });
  assert.deepEqual(all.sessions.map((s) => [s.id, s.prompt]), [
    ["twice", "new copy"],
    ["other", "other"],
  ]);
  assert.equal(all.scanned, 3);
});

Deno.test("findSessions() matches through symlinks", async () => {
  await using home = await createTempHome();
  const real = join(home.dir, "real-app");
  const link = join(home.dir, "link-app");
  await Deno.mkdir(join(real, "sub"), { recursive: true });
  await Deno.symlink(real, link);
  const dir = home.paths.codexSessions;
  await writeRollout(dir, { id: "via-link", cwd: join(link, "sub"), prompt: "p", mtime: day(2) });
  await writeRollout(dir, { id: "via-real", cwd: real, prompt: "p", mtime: day(1) });
  const result = await findSessions(dir, { project: link });
  assert.deepEqual(result.sessions.map((s) => [s.id, s.rank]), [["via-real", 0], ["via-link", 1]]);
});

Deno.test("findSessions() with Windows rules ignores case and slash direction", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  await writeRollout(dir, {
    id: "win-same",
    cwd: "C:\\Users\\Dev\\App",
    prompt: "p",
    mtime: day(1),
  });
  await writeRollout(dir, {
    id: "win-sub",
    cwd: "c:/users/dev/app/src",
    prompt: "p",
    mtime: day(2),
  });
  await writeRollout(dir, { id: "win-other", cwd: "D:\\App", prompt: "p", mtime: day(3) });
  const windows = await findSessions(dir, {
    project: "c:\\users\\DEV\\app\\",
    os: "windows",
    realPath: (p) => p,
  });
  assert.deepEqual(windows.sessions.map((s) => s.id), ["win-same", "win-sub"]);
  const posix = await findSessions(dir, {
    project: "c:\\users\\DEV\\app\\",
    os: "posix",
    realPath: (p) => p,
  });
  assert.deepEqual(posix.sessions, []);
});

Deno.test("findSessions() reads both prompt formats and metadata after long instructions", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  await writeRollout(dir, {
    id: "legacy",
    cwd: "/p",
    prompt: "old  style\nprompt",
    legacy: true,
    mtime: day(3),
  });
  await writeRollout(dir, {
    id: "late-meta",
    cwd: "/p",
    prompt: "修复",
    instructionsFirst: true,
    mtime: day(2),
  });
  await writeRollout(dir, { id: "no-prompt", cwd: "/p", mtime: day(1) });
  const result = await findSessions(dir, { project: "/p", os: "posix", realPath: (p) => p });
  assert.deepEqual(result.sessions.map((s) => [s.id, s.prompt]), [
    ["legacy", "old  style\nprompt"],
    ["late-meta", "修复"],
    ["no-prompt", undefined],
  ]);
});

Deno.test("findSessions() skips malformed files and lines, and tolerates a partial last line", async () => {
  await using home = await createTempHome();
  const dir = home.paths.codexSessions;
  const day2 = join(dir, "2026", "01", "02");
  await Deno.mkdir(day2, { recursive: true });
  await Deno.writeTextFile(join(day2, "rollout-empty.jsonl"), "");
  await Deno.writeTextFile(join(day2, "rollout-garbage.jsonl"), "not json at all\n{}\n");
  await Deno.writeTextFile(
    join(day2, "rollout-cut.jsonl"),
    '{"type":"session_meta","payload":{"id":"x"',
  );
  await Deno.writeTextFile(join(day2, "notes.txt"), "ignored");
  await Deno.mkdir(join(day2, "rollout-folder.jsonl"));
  await writeRollout(dir, {
    id: "bad-line",
    cwd: "/p",
    mtime: day(2),
    tail: '{"type":"response_item","payload":{"role":"user" BROKEN\n' +
      JSON.stringify({
        type: "event_msg",
        payload: { type: "user_message", message: "after the bad line" },
      }) +
      "\n",
  });
  await writeRollout(dir, {
    id: "being-written",
    cwd: "/p",
    mtime: day(1),
    tail: '{"type":"event_msg","payload":{"type":"user_message","message":"typed so f',
  });
  const result = await findSessions(dir, { project: "/p", os: "posix", realPath: (p) => p });
  assert.deepEqual(result.sessions.map((s) => [s.id, s.prompt]), [
    ["bad-line", "after the bad line"],
    ["being-written", "typed so f"],
  ]);
  assert.equal(result.skippedFiles, 3);
  assert.equal(result.malformedLines, 1);
  assert.equal(result.scanned, 5);
});

Deno.test("findSessions() reports a missing sessions folder", async () => {
  await using home = await createTempHome();
  const result = await findSessions(home.paths.codexSessions, { project: "/p" });
  assert.equal(result.missingFolder, true);
  assert.deepEqual(result.sessions, []);
});

Deno.test("readFirstPrompt() stops at its bound in a huge first prompt", async () => {
  await using home = await createTempHome();
  const path = await writeRollout(home.paths.codexSessions, {
    id: "huge",
    cwd: "/p",
    prompt: "start of a very long paste " + "x".repeat(3 * 1024 * 1024),
  });
  const read = await readFirstPrompt(path);
  assert.ok(read.prompt?.startsWith("start of a very long paste xxx"));
  assert.ok(read.prompt!.length < 3 * 1024 * 1024);
});
