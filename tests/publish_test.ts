import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { denoDir } from "./_fakes/run_cli.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("deno.json has what deno publish needs", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.match(denoJson.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
  assert.match(denoJson.version, /^\d+\.\d+\.\d+$/);
  assert.equal(denoJson.exports, "./main.ts");
  assert.equal(denoJson.license, "MIT");
  assert.match(await Deno.readTextFile(new URL("../LICENSE", import.meta.url)), /^MIT License/);
});

Deno.test("deno publish --dry-run passes (no slow types) and ships only the program", async () => {
  // --allow-dirty: the suite also runs in working copies with uncommitted changes
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: ROOT,
    env: { DENO_DIR: denoDir(), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /Success Dry run complete/);
  const files = text.split("\n").filter((l) => l.includes("file:///")).map((l) => l.trim());
  assert.ok(files.some((f) => /\/main\.ts \(/.test(f)), text);
  assert.ok(files.some((f) => /\/src\/cli\/program\.ts \(/.test(f)), text);
  assert.ok(files.some((f) => /\/LICENSE \(/.test(f)), text);
  assert.ok(!files.some((f) => /\/(tests|scripts|\.github)\//.test(f)), text);
});
