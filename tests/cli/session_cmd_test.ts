import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { copyFixtures, writeRollout } from "../codex/sessions_rollouts.ts";
import { refusedUrl } from "../proxy/fake_upstream.ts";

/** A port where no codex-helper answers: resume commands do not depend on this machine. */
const NO_PROXY = ["--port", new URL(refusedUrl()).port];

/** The parent's Deno cache, so the subprocess does not fetch npm packages again under a temp HOME. */
const denoDir: string = JSON.parse(
  new TextDecoder().decode(
    (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
      .output())
      .stdout,
  ),
).denoDir;

function env(home: TempHome): Record<string, string> {
  return { ...home.env, DENO_DIR: denoDir, TZ: "UTC" };
}

async function homeWithSessions(): Promise<TempHome> {
  const home = await createTempHome();
  const dir = home.paths.codexSessions;
  await home.write(
    ".codex/config.toml",
    'model_provider = "mock"\n\n[model_providers.mock]\nname = "Mock"\nbase_url = "http://127.0.0.1:9/v1"\n',
  );
  await copyFixtures(dir, new Date(Date.UTC(2026, 10, 27, 13, 12, 47)));
  await writeRollout(dir, {
    id: "sub-session",
    cwd: "/home/dev/my-app/web",
    prompt: "  make\nthe   header 更 sticky 🚀 " + "and more words ".repeat(10),
    provider: "codex-helper",
    mtime: new Date(Date.UTC(2026, 10, 28, 9, 0, 0)),
  });
  await writeRollout(dir, {
    id: "elsewhere",
    cwd: "/srv/other",
    prompt: "unrelated",
    mtime: new Date(Date.UTC(2026, 10, 29, 9, 0, 0)),
  });
  return home;
}

Deno.test("session last prints the documented shape", async () => {
  await using home = await homeWithSessions();
  const result = await runCli(["session", "last", "--path", "/home/dev/my-app", ...NO_PROXY], {
    env: env(home),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Last Codex session for "\/home\/dev\/my-app":\n {2}id: 01a21d/);
  const id = /id: (\S+)/.exec(result.stdout)![1]!;
  assert.equal(
    result.stdout,
    [
      'Last Codex session for "/home/dev/my-app":',
      `  id: ${id}`,
      "  updated_at: 2026-11-27 13:12:47",
      "  cwd: /home/dev/my-app",
      "  provider: mock",
      "  first_prompt: say hi",
      "",
      "Resume with:",
      `  codex resume ${id}`,
      "",
    ].join("\n"),
  );
});

Deno.test("session list shows the same folder first, then subfolders, with provider and prompt", async () => {
  await using home = await homeWithSessions();
  const result = await runCli(["session", "list", "--path", "/home/dev/my-app/", ...NO_PROXY], {
    env: env(home),
  });
  assert.equal(result.code, 0, result.stderr);
  const ids = [...result.stdout.matchAll(/^(\S+)$/gm)].map((m) => m[1]);
  assert.equal(ids.length, 3);
  assert.equal(ids[2], "sub-session");
  assert.doesNotMatch(result.stdout, /elsewhere|unrelated/);
  assert.match(
    result.stdout,
    / {2}provider: codex-helper\n {2}first_prompt: make the header 更 sticky 🚀 and more/,
  );
  const prompt = /first_prompt: (make.*)/.exec(result.stdout)![1]!;
  assert.equal([...prompt].length, 80);
  assert.match(result.stdout, /updated_at: 2026-11-28 09:00:00/);
  // the fixture sessions' provider is the current one: plain codex resume
  assert.match(
    result.stdout,
    / {2}resume with: codex resume 01a21d23-0d3b-7582-a0a4-8a527fab8de5\n/,
  );
});

Deno.test("session list --all --json lists every session with the extra fields", async () => {
  await using home = await homeWithSessions();
  const result = await runCli(["session", "list", "--all", "--json", "--limit", "0", ...NO_PROXY], {
    env: env(home),
  });
  assert.equal(result.code, 0, result.stderr);
  const list = JSON.parse(result.stdout);
  assert.equal(list.length, 4);
  assert.equal(list[0].id, "elsewhere");
  assert.equal(list[0].updated_at, "2026-11-29T09:00:00.000Z");
  const real = list.find((s: { id: string }) => s.id.startsWith("01a21d1f"));
  assert.equal(real.originator, "codex_exec");
  assert.equal(real.cli_version, "0.169.0");
  assert.equal(real.started_at, "2026-11-27T13:08:28.871Z");
  assert.equal(real.provider, "mock");
  assert.equal(real.first_prompt, "say hi");
  assert.deepEqual(real.resume_command, ["codex", "resume", real.id]);
  assert.equal(real.resume_through_proxy, false);
  assert.match(real.path, /rollout-2026-11-27T13-08-28-01a21d1f.*\.jsonl$/);
});

Deno.test("session list says so when nothing matches and mentions --all", async () => {
  await using home = await homeWithSessions();
  const result = await runCli(["session", "list", "--path", "/opt/none", "--verbose"], {
    env: env(home),
  });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /No Codex sessions for "\/opt\/none".*\(4 in other folders\)/);
  assert.match(result.stdout, /--all/);
  assert.doesNotMatch(result.stdout, /say hi|unrelated/);
  assert.match(result.stderr, /scanned 4 rollout files: 0 matched, 0 skipped/);
});

Deno.test("session last fails with a clear message when the project has no session", async () => {
  await using home = await homeWithSessions();
  const result = await runCli(["session", "last", "--path", "/opt/none"], { env: env(home) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: No Codex sessions for "\/opt\/none".*session list --all/);
});

Deno.test("session commands explain a missing sessions folder", async () => {
  await using home = await createTempHome();
  const list = await runCli(["session", "list"], { env: env(home), cwd: home.dir });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /No Codex sessions: ".*sessions" does not exist\.\nRun Codex once/);
  const last = await runCli(["session", "last", "--json"], { env: env(home), cwd: home.dir });
  assert.equal(last.code, 1);
  assert.match(last.stderr, /error: No Codex sessions: ".*" does not exist; .*CODEX_HOME/);
  assert.equal(last.stdout, "");
});

Deno.test("session list rejects a bad --limit with a usage error", async () => {
  await using home = await createTempHome();
  const result = await runCli(["session", "list", "--limit", "ten"], { env: env(home) });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Invalid --limit "ten"/);
});

Deno.test("session list --help shows usage and examples", async () => {
  await using home = await createTempHome();
  const result = await runCli(["session", "list", "--help"], { env: env(home) });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /--path <dir>/);
  assert.match(result.stdout, /Examples:\n {2}codex-helper session list/);
  // the default reads as usage tail's does: a number, not a quoted string
  assert.match(result.stdout, /--limit <n> +how many to show \(0 for all\) \(default: 10\)/);
});

Deno.test("session list/last --help name every field --json adds to the text output", async () => {
  await using home = await homeWithSessions();
  const json = await runCli([
    "session",
    "last",
    "--path",
    "/home/dev/my-app",
    "--json",
    ...NO_PROXY,
  ], {
    env: env(home),
  });
  assert.equal(json.code, 0, json.stderr);
  const text = ["id", "updated_at", "cwd", "provider", "first_prompt"];
  const extra = Object.keys(JSON.parse(json.stdout)).filter((k) => !text.includes(k));
  assert.ok(extra.includes("resume_note"));
  for (const command of ["list", "last"]) {
    const help = await runCli(["session", command, "--help"], { env: env(home) });
    const line = /--json[\s\S]*?\)/.exec(help.stdout)![0].replace(/\s+/g, " ");
    for (const key of extra) assert.match(line, new RegExp(`\\b${key}\\b`), `${command}: ${key}`);
  }
});

Deno.test("session list: a file in place of the sessions folder is named in one line", async () => {
  await using home = await createTempHome();
  await home.write(".codex/sessions", "");
  const r = await runCli(["session", "list"], { env: home.env });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr,
    `error: Cannot read "${home.paths.codexSessions}": it, or a folder on its path, is a file, ` +
      `not a folder; move that file out of the way; nothing was changed\n`,
  );
});

Deno.test("session list, last and resume read --port as every command does, with one message", async () => {
  await using home = await createTempHome();
  for (const args of [["list"], ["last"], ["resume", "--last"]]) {
    const r = await runCli(["session", ...args, "--port", "70000"], { env: home.env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Invalid --port "70000": expected a number from 1 to 65535/);
  }
});
