import assert from "node:assert/strict";
import { join } from "node:path";
import { denoEnv, MAIN_TS, runCli } from "../_fakes/run_cli.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { writeRollout } from "../codex/sessions_rollouts.ts";
import { refusedUrl } from "../proxy/fake_upstream.ts";

const NO_PROXY = ["--port", new URL(refusedUrl()).port];
const ID = "01a24c2c-24ad-75f1-8bd0-a7c65a10b972";

async function home(): Promise<TempHome> {
  const h = await createTempHome();
  await h.write(
    ".codex/config.toml",
    'model_provider = "relay"\n\n[model_providers.relay]\nname = "R"\nbase_url = "http://127.0.0.1:9/v1"\n',
  );
  return h;
}

/** A `codex` on PATH that prints its arguments and exits with FAKE_CODEX_EXIT. */
async function fakeCodex(h: TempHome): Promise<Record<string, string>> {
  const bin = join(h.dir, "bin");
  await Deno.mkdir(bin);
  const path = join(bin, "codex");
  await Deno.writeTextFile(
    path,
    '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_CODEX_ARGS"\nexit "${FAKE_CODEX_EXIT:-0}"\n',
  );
  await Deno.chmod(path, 0o755);
  return {
    ...h.env,
    PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
    FAKE_CODEX_ARGS: join(h.dir, "args.txt"),
  };
}

Deno.test("session list/last print text from rollouts with control characters escaped", async () => {
  await using h = await home();
  await writeRollout(h.paths.codexSessions, {
    id: ID,
    cwd: "/p/\x1b]0;pwned\x07x",
    prompt: "hi \x1b[2J there",
    provider: "re\x1b[31mlay",
  });
  const list = await runCli(["session", "list", "--all", ...NO_PROXY], { env: h.env });
  assert.equal(list.code, 0, list.stderr);
  assert.equal((list.stdout + list.stderr).includes("\x1b"), false);
  assert.match(list.stdout, /cwd: \/p\/\\x1b\]0;pwned\\x07x/);
  assert.match(list.stdout, /first_prompt: hi \\x1b\[2J there/);
  assert.match(list.stdout, /provider: re\\x1b\[31mlay/);
  const last = await runCli(["session", "last", "--path", "/p/\x1b]0;pwned\x07x", ...NO_PROXY], {
    env: h.env,
  });
  assert.equal(last.code, 0, last.stderr);
  assert.equal((last.stdout + last.stderr).includes("\x1b"), false);
});

Deno.test("a session id that is not a UUID matching its file is never printed as a command", async () => {
  await using h = await home();
  await writeRollout(h.paths.codexSessions, { id: "x; rm -rf ~", cwd: "/p", provider: "relay" });
  const list = await runCli(["session", "list", "--all", ...NO_PROXY], { env: h.env });
  assert.equal(list.code, 0, list.stderr);
  assert.doesNotMatch(list.stdout, /codex resume/);
  assert.match(list.stdout, /resume with: \(none: the session id is not a UUID matching its file/);
  const json = await runCli(["session", "last", "--path", "/p", "--json", ...NO_PROXY], {
    env: h.env,
  });
  assert.equal(JSON.parse(json.stdout).resume_command, null);
});

Deno.test("session list and last --json give the same fields, and the same placeholder in text", async () => {
  await using h = await home();
  await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "relay" });
  const list = await runCli(["session", "list", "--path", "/p", "--json", ...NO_PROXY], {
    env: h.env,
  });
  const last = await runCli(["session", "last", "--path", "/p", "--json", ...NO_PROXY], {
    env: h.env,
  });
  const a = JSON.parse(list.stdout)[0];
  const b = JSON.parse(last.stdout);
  assert.deepEqual(Object.keys(a), Object.keys(b));
  assert.equal(b.first_prompt, null);
  assert.deepEqual(b.resume_command, ["codex", "resume", ID]);
  const textList = await runCli(["session", "list", "--path", "/p", ...NO_PROXY], { env: h.env });
  const textLast = await runCli(["session", "last", "--path", "/p", ...NO_PROXY], { env: h.env });
  assert.match(textList.stdout, /first_prompt: \(none\)/);
  assert.match(textLast.stdout, /first_prompt: \(none\)/);
});

Deno.test({
  name: "session list warns in one line about an unreadable sessions folder",
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
  async fn() {
    await using h = await home();
    await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "relay" });
    await Deno.chmod(h.paths.codexSessions, 0o000);
    try {
      const r = await runCli(["session", "list", "--all", ...NO_PROXY], { env: h.env });
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stdout, /No Codex sessions/);
      assert.match(r.stderr, /^warning: cannot read ".*sessions" \(permission denied\)/);
    } finally {
      await Deno.chmod(h.paths.codexSessions, 0o755);
    }
  },
});

Deno.test({
  name: "session resume runs the command and exits with codex's exit code",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using h = await home();
    await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "openai" });
    const env = { ...(await fakeCodex(h)), FAKE_CODEX_EXIT: "7" };
    const r = await runCli(["session", "resume", ID, ...NO_PROXY, "--", "--model", "x"], { env });
    assert.equal(r.code, 7, r.stderr);
    assert.deepEqual((await Deno.readTextFile(join(h.dir, "args.txt"))).trim().split("\n"), [
      "resume",
      ID,
      "-c",
      'model_provider="openai"',
      "--model",
      "x",
    ]);
    const last = await runCli(["session", "resume", "--last", "--path", "/p", ...NO_PROXY], {
      env: { ...env, FAKE_CODEX_EXIT: "0" },
    });
    assert.equal(last.code, 0, last.stderr);
    const dry = await runCli(["session", "resume", ID, "--dry-run", ...NO_PROXY], { env });
    assert.equal(dry.stdout, `codex resume ${ID} -c 'model_provider="openai"'\n`);
  },
});

Deno.test("session resume refuses an id that is not a UUID, and an unknown one", async () => {
  await using h = await home();
  const bad = await runCli(["session", "resume", "nope", ...NO_PROXY], { env: h.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid session id "nope": expected a UUID/);
  const unknown = await runCli(["session", "resume", ID, ...NO_PROXY], { env: h.env });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No Codex session "01a24c2c/);
});

Deno.test("session resume refuses an id together with --last instead of sending the id as a prompt", async () => {
  await using h = await home();
  await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "relay" });
  const both = await runCli([
    "session",
    "resume",
    ID,
    "--last",
    "--path",
    "/p",
    "--dry-run",
    ...NO_PROXY,
  ], {
    env: h.env,
  });
  assert.equal(both.code, 2, both.stdout);
  assert.equal(both.stdout, "");
  assert.match(
    both.stderr,
    /^error: Give a session id or --last, not both; drop --last to resume "01a24c2c/,
  );
  // arguments for codex after --last still pass through
  const more = await runCli(
    ["session", "resume", "--last", "--path", "/p", "--dry-run", ...NO_PROXY, "--", "--model", "m"],
    { env: h.env },
  );
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stdout, new RegExp(`^codex resume ${ID}.* --model m\\n$`));
});

Deno.test({
  name: "session resume forwards SIGTERM to codex and exits with its code",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using h = await home();
    await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "relay" });
    const env = await fakeCodex(h);
    const started = join(h.dir, "started");
    // a codex that says it started, then exits 42 on SIGTERM
    await Deno.writeTextFile(
      join(h.dir, "bin", "codex"),
      `#!/bin/sh\ntrap 'echo term > "${h.dir}/got"; exit 42' TERM\ntouch "${started}"\n` +
        "while :; do sleep 0.05; done\n",
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", MAIN_TS, "session", "resume", ID, ...NO_PROXY],
      env: { ...denoEnv(), ...env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const end = Date.now() + 30_000;
    while (!(await Deno.stat(started).then(() => true, () => false))) {
      if (Date.now() > end) throw new Error("codex did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGTERM");
    const out = await child.output();
    assert.equal(out.code, 42, new TextDecoder().decode(out.stderr));
    assert.equal((await Deno.readTextFile(join(h.dir, "got"))).trim(), "term");
  },
});

Deno.test({
  name: "session resume exits 128 + n when a signal ends codex (SIGKILL: 137, SIGUSR1: 138)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using h = await home();
    await writeRollout(h.paths.codexSessions, { id: ID, cwd: "/p", provider: "relay" });
    const env = await fakeCodex(h);
    for (const [signal, code] of [["KILL", 137], ["USR1", 138]] as const) {
      await Deno.writeTextFile(join(h.dir, "bin", "codex"), `#!/bin/sh\nkill -${signal} $$\n`);
      const r = await runCli(["session", "resume", ID, ...NO_PROXY], { env });
      assert.equal(r.code, code, `SIG${signal}: ${r.stderr}`);
    }
  },
});
