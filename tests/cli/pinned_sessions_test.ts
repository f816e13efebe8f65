import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { writeRollout } from "../codex/sessions_rollouts.ts";
import { formatPinnedNote } from "../../src/codex/sessions_pinned.ts";

const IDS = [
  "01a24c2c-24ad-75f1-8bd0-a7c65a10b971",
  "01a24c2c-24ad-75f1-8bd0-a7c65a10b972",
  "01a24c2c-24ad-75f1-8bd0-a7c65a10b973",
];

async function homeWithProject() {
  const home = await createTempHome();
  const project = `${home.dir}/app`;
  await Deno.mkdir(project);
  await home.write(
    ".codex/config.toml",
    'model_provider = "relay"\n\n[model_providers.relay]\nname = "R"\nbase_url = "http://127.0.0.1:9/v1"\n',
  );
  const dir = home.paths.codexSessions;
  await writeRollout(dir, { id: IDS[0]!, cwd: project, provider: "relay", mtime: new Date(1e12) });
  await writeRollout(dir, { id: IDS[1]!, cwd: project, provider: "openai", mtime: new Date(2e12) });
  await writeRollout(dir, { id: IDS[2]!, cwd: "/elsewhere", provider: "relay" });
  return { home, project };
}

Deno.test("switch-on says how many of the project's sessions are pinned and how to resume them", async () => {
  const { home, project } = await homeWithProject();
  await using _home = home;
  const r = await runCli(["switch-on", "--port", "3999"], { env: home.env, cwd: project });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\nNote: 2 sessions of ".*\/app" are pinned to another provider \(openai: 1, relay: 1\); "codex resume <id>" refuses them\n {2}resume with: codex-helper session resume 01a24c2c-24ad-75f1-8bd0-a7c65a10b972 \(the latest/,
  );
});

Deno.test("doctor counts the project's sessions pinned to another provider than the current", async () => {
  const { home, project } = await homeWithProject();
  await using _home = home;
  const r = await runCli(["doctor", "--json"], { env: home.env, cwd: project });
  const checks = JSON.parse(r.stdout).checks as { id: string; status: string; message: string }[];
  const pinned = checks.find((c) => c.id === "codex.pinned_sessions");
  assert.equal(pinned?.status, "warn");
  assert.match(
    pinned!.message,
    /^1 session of ".*\/app" is pinned to another provider \(openai: 1\)/,
  );
});

Deno.test("formatPinnedNote() says nothing without pinned sessions and escapes provider names", () => {
  assert.equal(
    formatPinnedNote({ count: 0, byProvider: [], latestId: undefined }, "/p"),
    undefined,
  );
  const note = formatPinnedNote({ count: 1, byProvider: [["a\x1bb", 1]], latestId: "x" }, "/p");
  assert.match(note!.message, /a\\x1bb: 1/);
});
