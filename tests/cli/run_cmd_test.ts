import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("run reads --port as every command does, with one message", async () => {
  await using home = await createTempHome();
  for (const port of ["70000", "0", "0x10"]) {
    const r = await runCli(["run", "--port", port, "--", "codex"], { env: home.env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`Invalid --port "${port}": expected a number from 1 to 65535`),
    );
  }
});
