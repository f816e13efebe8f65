import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  chooseTargets,
  describeCompileFailure,
  EMBEDDED_FOLDERS,
  formatBinaryName,
  formatCompileArgs,
  formatSha256Sums,
  TARGETS,
  WORKER_MODULES,
} from "../../scripts/compile.ts";
import { denoDir } from "../_fakes/run_cli.ts";
import { ASSET_FILES, assetUrl } from "../../src/dashboard/dashboard_assets.ts";

const COMPILE_TS = fileURLToPath(new URL("../../scripts/compile.ts", import.meta.url));

Deno.test("formatCompileArgs() bakes in explicit permissions, the target and the output", () => {
  const args = formatCompileArgs("aarch64-apple-darwin", { output: "dist/x", entry: "main.ts" });
  assert.equal(args[0], "compile");
  assert.ok(!args.includes("-A") && !args.includes("--allow-all"));
  for (
    const flag of ["--allow-net", "--allow-env", "--allow-read", "--allow-write", "--no-prompt"]
  ) {
    assert.ok(args.includes(flag), flag);
  }
  assert.deepEqual(args.slice(-5), [
    "--target",
    "aarch64-apple-darwin",
    "--output",
    "dist/x",
    "main.ts",
  ]);
});

Deno.test("formatCompileArgs() includes every worker module, next to the entry", async () => {
  const args = formatCompileArgs("x86_64-unknown-linux-gnu", {
    output: "dist/x",
    entry: join("app", "main.ts"),
  });
  assert.ok(WORKER_MODULES.includes("src/usage/summary_worker.ts"));
  for (const module of WORKER_MODULES) {
    const i = args.indexOf(join("app", module));
    assert.ok(i > 0 && args[i - 1] === "--include", module);
    // the module exists in the repository, where compileAll points the entry
    const repoFile = fileURLToPath(new URL(`../../${module}`, import.meta.url));
    assert.ok((await Deno.stat(repoFile)).isFile, repoFile);
  }
});

Deno.test("formatCompileArgs() embeds the dashboard's files, which exist and are all it reads", async () => {
  const args = formatCompileArgs("x86_64-unknown-linux-gnu", {
    output: "dist/x",
    entry: "main.ts",
  });
  assert.deepEqual(EMBEDDED_FOLDERS, ["src/dashboard/assets"]);
  const i = args.indexOf(join("src", "dashboard", "assets"));
  assert.ok(i > 0 && args[i - 1] === "--include", args.join(" "));
  // every file the dashboard serves lies under the included folder
  const folder = fileURLToPath(new URL("../../src/dashboard/assets/", import.meta.url));
  for (const name of Object.keys(ASSET_FILES)) {
    const file = fileURLToPath(assetUrl(name));
    assert.ok(file.startsWith(folder), file);
    assert.ok((await Deno.stat(file)).isFile, file);
  }
});

Deno.test("formatCompileArgs() rejects an unknown target", () => {
  assert.throws(
    () => formatCompileArgs("mips-unknown-linux-gnu", { output: "x", entry: "main.ts" }),
    /Unknown target "mips-unknown-linux-gnu"/,
  );
});

Deno.test("formatBinaryName() names one binary per target, .exe on Windows", () => {
  assert.deepEqual(TARGETS.map(formatBinaryName), [
    "codex-helper-x86_64-unknown-linux-gnu",
    "codex-helper-aarch64-unknown-linux-gnu",
    "codex-helper-x86_64-apple-darwin",
    "codex-helper-aarch64-apple-darwin",
    "codex-helper-x86_64-pc-windows-msvc.exe",
  ]);
});

Deno.test("formatSha256Sums() writes sorted sha256sum lines", () => {
  assert.equal(
    formatSha256Sums([{ name: "b", sha256: "22" }, { name: "a", sha256: "11" }]),
    "11  a\n22  b\n",
  );
});

Deno.test("chooseTargets() builds everything, or the host only with DENORT_BIN", () => {
  assert.deepEqual(chooseTargets([], undefined), [...TARGETS]);
  assert.deepEqual(chooseTargets([], "/opt/denort"), [Deno.build.target]);
  assert.deepEqual(chooseTargets(["x86_64-apple-darwin"], "/opt/denort"), ["x86_64-apple-darwin"]);
});

Deno.test("describeCompileFailure() explains a runtime that cannot be downloaded", () => {
  const stderr = `Compile main.ts to file:///x
Download https://dl.example/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file '/x.tmp'

Caused by:
    0: Setting up base binary.
    1: error sending request for url: client error (Connect): dns error: failed to lookup address`;
  const message = describeCompileFailure(stderr, "x86_64-unknown-linux-gnu");
  assert.match(
    message ?? "",
    /Cannot download the Deno runtime \(denort\) for x86_64-unknown-linux-gnu/,
  );
  assert.match(message ?? "", /DENORT_BIN=/);
  assert.equal(describeCompileFailure("error: TS2322 [ERROR]: Type 'x'", "x"), undefined);
});

Deno.test("deno task compile fails with a clear message when DENORT_BIN does not exist", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-compile-" });
  try {
    const missing = join(dir, "no-such-denort");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", COMPILE_TS, "--out-dir", join(dir, "dist")],
      env: { DENORT_BIN: missing, DENO_DIR: denoDir(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.ok(
      stderr.includes(`error: DENORT_BIN points at "${missing}", which does not exist`),
      stderr,
    );
    assert.doesNotMatch(stderr, /Stack backtrace/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
