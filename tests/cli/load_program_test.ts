import assert from "node:assert/strict";
import { loadProgram, runsServe } from "../../src/cli/load_program.ts";
import { bareContext } from "../_fakes/cli_context.ts";

const ctx = bareContext();

Deno.test("runsServe() is true only when serve itself runs", async (t) => {
  const cases: { args: string[]; serve: boolean }[] = [
    { args: ["serve"], serve: true },
    { args: ["serve", "--port", "0", "--claude"], serve: true },
    { args: ["--verbose", "serve"], serve: true },
    { args: ["serve", "--help"], serve: true },
    { args: ["--help", "serve"], serve: false },
    { args: ["-V", "serve"], serve: false },
    { args: ["help", "serve"], serve: false },
    { args: ["run", "serve"], serve: false },
    { args: ["status"], serve: false },
    { args: [], serve: false },
  ];
  for (const { args, serve } of cases) {
    await t.step(args.join(" ") || "(none)", () => assert.equal(runsServe(args), serve));
  }
});

Deno.test("loadProgram() gives serve its own command group alone, anything else the whole tree", async () => {
  const serve = await loadProgram(ctx, ["--verbose", "serve", "--port", "0"]);
  assert.deepEqual(serve.program.commands.map((c) => c.name()), ["serve"]);
  assert.deepEqual(serve.args, ["--verbose", "serve", "--port", "0"]);
  assert.ok(serve.program.options.some((o) => o.long === "--verbose"));

  const full = await loadProgram(ctx, ["help", "config", "add"]);
  const names = full.program.commands.map((c) => c.name());
  for (const name of ["config", "serve", "run", "status", "doctor", "usage", "session"]) {
    assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
  }
  assert.deepEqual(full.args, ["config", "add", "--help"]);
});
