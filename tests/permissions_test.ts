import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolvePaths } from "../src/config/paths.ts";
import {
  COMPILE_PERMISSION_FLAGS,
  formatRunPermissionFlags,
  SOURCE_FOLDER,
} from "../scripts/permission_flags.ts";
import { createTempHome, type TempHome } from "./_fakes/temp_home.ts";
import { denoDir, MAIN_TS, windowsBaseEnv } from "./_fakes/run_cli.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const START_TS = join(ROOT, "scripts", "start.ts");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runDeno(args: string[], env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env: {
      ...windowsBaseEnv(),
      PATH: Deno.env.get("PATH") ?? "",
      NO_COLOR: "1",
      DENO_DIR: denoDir(),
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The flags `deno task start` would grant for this home (HOME alone, no overrides). */
function grantedFor(home: TempHome): string[] {
  return formatRunPermissionFlags(home.paths);
}

Deno.test("formatRunPermissionFlags() scopes read and write to the three data folders", () => {
  const env: Record<string, string> = { HOME: "/h", CODEX_PROXY_HOME: "/p" };
  const flags = formatRunPermissionFlags(resolvePaths({ env: (k) => env[k], os: "linux" }));
  const folders = [join("/h", ".codex"), join("/h", ".claude"), "/p"].join(",");
  assert.ok(flags.includes(`--allow-read=${folders},${SOURCE_FOLDER}`));
  assert.ok(flags.includes(`--allow-write=${folders}`));
  assert.ok(flags.includes("--allow-net"));
  assert.ok(flags.includes("--allow-env"));
  assert.ok(!flags.some((f) => f === "-A" || f === "--allow-all" || f === "--allow-read"));
});

Deno.test("formatRunPermissionFlags() refuses a folder with a comma instead of widening the grant", () => {
  const env: Record<string, string> = { HOME: "/h", CODEX_HOME: "/a,b" };
  assert.throws(
    () => formatRunPermissionFlags(resolvePaths({ env: (k) => env[k], os: "linux" })),
    /Cannot grant access to "\/a,b"/,
  );
});

Deno.test("compiled binaries get explicit flags, never --allow-all", () => {
  assert.ok(!COMPILE_PERMISSION_FLAGS.includes("-A"));
  assert.ok(!COMPILE_PERMISSION_FLAGS.includes("--allow-all"));
  // `run` starts the client it is given; the run grant is the plain flag, nothing wider
  assert.deepEqual(COMPILE_PERMISSION_FLAGS.filter((f) => f.startsWith("--allow-run")), [
    "--allow-run",
  ]);
  assert.ok(COMPILE_PERMISSION_FLAGS.includes("--allow-net"));
});

Deno.test("under the start permissions a command works inside the data folders", async () => {
  await using home = await createTempHome();
  const result = await runDeno(
    ["run", ...grantedFor(home), MAIN_TS, "config", "list"],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("under the start permissions a folder outside the grant is refused with a clear error", async () => {
  await using home = await createTempHome();
  const elsewhere = await Deno.makeTempDir({ prefix: "codex-helper-elsewhere-" });
  try {
    const result = await runDeno(
      ["run", ...grantedFor(home), MAIN_TS, "config", "list"],
      { ...home.env, CODEX_PROXY_HOME: elsewhere },
    );
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr); // one line, no stack trace
    assert.ok(
      lines[0]?.startsWith(`error: Requires read access to "${join(elsewhere, "config.json")}"`),
    );
    assert.match(result.stderr, /CODEX_PROXY_HOME/);
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("under the start permissions an atomic write outside the data folders is refused", async () => {
  await using home = await createTempHome();
  const elsewhere = await Deno.makeTempDir({ prefix: "codex-helper-elsewhere-" });
  try {
    const script = join(home.dir, "write_config.ts");
    const src = (path: string) => new URL(path, new URL("../", import.meta.url)).href;
    await Deno.writeTextFile(
      script,
      `import { writeFileAtomic } from "${src("src/fs/atomic_write.ts")}";
import { resolvePaths } from "${src("src/config/paths.ts")}";
try {
  await writeFileAtomic(resolvePaths().configJson, "{}\\n");
  console.log("written");
} catch (error) {
  console.log(error instanceof Deno.errors.NotCapable ? "refused" : String(error));
}
`,
    );
    const run = (env: Record<string, string>) =>
      runDeno(["run", "--quiet", ...grantedFor(home), script], env);
    const inside = await run(home.env);
    assert.equal(inside.stdout.trim(), "written", inside.stderr);
    assert.equal(await Deno.readTextFile(home.paths.configJson), "{}\n");
    const outside = await run({ ...home.env, CODEX_PROXY_HOME: elsewhere });
    assert.equal(outside.stdout.trim(), "refused", outside.stderr);
    assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("under the start permissions a usage summary worker starts", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", '{"timestamp_ms":1}\n');
  const script = join(home.dir, "run_worker.ts");
  const src = new URL("../src/usage/summarize_log.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { runSummaryWorker } from "${src}";
const state = await runSummaryWorker({ ranges: [{ path: ${
      JSON.stringify(log)
    }, start: 0, end: Infinity }], by: "config" });
console.log(state === undefined ? "no worker" : \`malformed \${state.malformed}\`);
`,
  );
  const result = await runDeno(["run", "--quiet", ...grantedFor(home), script], home.env);
  assert.equal(result.stdout.trim(), "malformed 1", result.stderr);
  assert.equal(result.stderr, "");
});

Deno.test("under the start permissions the dashboard reads its page files and starts its worker", async () => {
  await using home = await createTempHome();
  const log = await home.write(".codex-proxy/logs/requests.jsonl", '{"timestamp_ms":1}\n');
  const script = join(home.dir, "run_dashboard.ts");
  const assets = new URL("../src/dashboard/dashboard_assets.ts", import.meta.url).href;
  const offThread = new URL("../src/dashboard/usage_off_thread.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { loadAssets } from "${assets}";
import { runUsageWorker } from "${offThread}";
const files = await loadAssets();
const reply = await runUsageWorker({
  logPath: ${JSON.stringify(log)},
  options: { now: Date.now(), service: "codex", ttfbSinceMs: 0 },
});
console.log(\`\${files.size} files, \${reply && "view" in reply ? "worker ok" : "no worker"}\`);
`,
  );
  const result = await runDeno(["run", "--quiet", ...grantedFor(home), script], home.env);
  assert.equal(result.stdout.trim(), "6 files, worker ok", result.stderr);
  assert.equal(result.stderr, "");
});

Deno.test("deno task start launches through scripts/start.ts with no file access of its own", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const command: string = denoJson.tasks.start.command;
  assert.match(command, /^deno run --allow-env --allow-run=deno scripts\/start\.ts serve$/);
});

Deno.test("scripts/start.ts grants the folders CODEX_PROXY_HOME names at launch", async () => {
  await using home = await createTempHome();
  const custom = join(home.dir, "custom-proxy");
  await home.write("custom-proxy/config.json", "{ broken");
  const result = await runDeno(
    ["run", "--quiet", "--allow-env", "--allow-run=deno", START_TS, "config", "list"],
    { ...home.env, CODEX_PROXY_HOME: custom },
  );
  // the file was readable (a parse error, not a permission error) and left untouched
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Cannot parse ".*config\.json"/);
  assert.doesNotMatch(result.stderr, /Requires read access/);
  assert.equal(await Deno.readTextFile(join(custom, "config.json")), "{ broken");
  const version = await runDeno(
    ["run", "--quiet", "--allow-env", "--allow-run=deno", START_TS, "--version"],
    home.env,
  );
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
});
