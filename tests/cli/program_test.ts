import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("command-line mistakes are one line ending in the --help hint, exit code 2", async (t) => {
  const cases: { args: string[]; line: string }[] = [
    {
      args: ["--verbos"],
      line: "error: unknown option '--verbos' (Did you mean --verbose?); run with --help for usage",
    },
    {
      args: ["usage", "summary", "--by", "nothing"],
      line: "error: option '--by <group>' argument 'nothing' is invalid. Allowed choices are " +
        "config, upstream, model, day; run with --help for usage",
    },
    {
      args: ["config", "lst"],
      line: "error: unknown command 'lst' (Did you mean list?); run with --help for usage",
    },
  ];
  for (const c of cases) {
    await t.step(c.args.join(" "), async () => {
      await using home = await createTempHome();
      const r = await runCli(c.args, { env: home.env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `${c.line}\n`);
      assert.equal(r.stdout, "");
    });
  }
});
