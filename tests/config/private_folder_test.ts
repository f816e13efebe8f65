import assert from "node:assert/strict";
import { formatPrivateFolder, makeFolderPrivate } from "../../src/config/private_folder.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const POSIX = Deno.build.os !== "windows";

Deno.test({
  name: "makeFolderPrivate() removes group and other bits of the user's own folder only",
  ignore: !POSIX,
  fn: async (t) => {
    await using home = await createTempHome();
    const dir = `${home.dir}/proxy`;
    await t.step("absent: nothing to do", async () => {
      assert.deepEqual(await makeFolderPrivate(dir), { kind: "private" });
    });
    await Deno.mkdir(dir);
    await t.step("0755 -> 0700", async () => {
      await Deno.chmod(dir, 0o755);
      assert.deepEqual(await makeFolderPrivate(dir), { kind: "tightened", from: 0o755, to: 0o700 });
      assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    });
    await t.step("0700 stays, 0500 keeps the owner's bits", async () => {
      assert.deepEqual(await makeFolderPrivate(dir), { kind: "private" });
      await Deno.chmod(dir, 0o575);
      assert.deepEqual(await makeFolderPrivate(dir), { kind: "tightened", from: 0o575, to: 0o500 });
      await Deno.chmod(dir, 0o700);
    });
    await t.step("another user's folder, a file and Windows are left alone", async () => {
      await Deno.chmod(dir, 0o755);
      const other = (Deno.uid() ?? 0) + 1;
      assert.deepEqual(await makeFolderPrivate(dir, { uid: other }), { kind: "private" });
      assert.deepEqual(await makeFolderPrivate(dir, { os: "windows" }), { kind: "private" });
      assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o755);
      const file = await home.write("file", "x");
      await Deno.chmod(file, 0o644);
      assert.deepEqual(await makeFolderPrivate(file), { kind: "private" });
    });
  },
});

Deno.test("formatPrivateFolder() names the folder, both modes, or the chmod to run", () => {
  assert.equal(formatPrivateFolder("/h/p", { kind: "private" }), undefined);
  assert.match(
    formatPrivateFolder("/h/p", { kind: "tightened", from: 0o755, to: 0o700 })!,
    /^note: "\/h\/p" was open to other users \(0755\); made it private \(0700\)/,
  );
  assert.match(
    formatPrivateFolder("/h/p", { kind: "failed", from: 0o755, error: new Error("EPERM") })!,
    /^warning: .*\(0755\).*EPERM.*run: chmod 700 "\/h\/p"$/,
  );
});

Deno.test({
  name:
    "a command that writes makes an existing 0755 ~/.codex-proxy private, with a note; readers do not",
  ignore: !POSIX,
  fn: async () => {
    await using home = await createTempHome();
    const dir = home.paths.proxyHome;
    await Deno.mkdir(dir, { mode: 0o755 });
    await Deno.chmod(dir, 0o755);
    const doctor = await runCli(["doctor"], { env: home.env });
    assert.doesNotMatch(doctor.stderr + doctor.stdout, /made it private/);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o755, "doctor only reads");
    const list = await runCli(["config", "list"], { env: home.env });
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o755, "config list only reads");
    assert.equal(list.stderr, "");
    const add = [
      "config",
      "add",
      "w",
      "--base-url",
      "https://a.example/v1",
      "--auth-token-env",
      "K",
    ];
    const r = await runCli(add, { env: home.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^note: ".*" was open to other users \(0755\); made it private \(0700\)/,
    );
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    const again = await runCli(["config", "set-active", "w"], { env: home.env });
    assert.equal(again.stderr, "", "said once");
  },
});
