import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ClientNotFoundError,
  programName,
  resolveClientCommand,
} from "../../src/run/client_command.ts";
import { UsageError } from "../../src/errors.ts";

async function binWith(...names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-bin-" });
  for (const name of names) {
    await Deno.writeTextFile(join(dir, name), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  }
  return dir;
}

Deno.test("programName() drops the folder and a Windows extension", () => {
  assert.equal(programName("codex"), "codex");
  assert.equal(programName("/usr/local/bin/claude"), "claude");
  assert.equal(programName("C:\\tools\\Codex.CMD"), "codex");
  assert.equal(programName("codex-wrapper"), "codex-wrapper");
});

Deno.test({
  name: "resolveClientCommand() finds the program on PATH, the client's own when none is given",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await binWith("codex", "claude");
    try {
      const env = (k: string) => k === "PATH" ? dir : undefined;
      assert.deepEqual(resolveClientCommand(["codex", "exec", "hi"], { service: "codex", env }), {
        program: "codex",
        path: join(dir, "codex"),
        args: ["exec", "hi"],
      });
      assert.deepEqual(resolveClientCommand([], { service: "claude", env }), {
        program: "claude",
        path: join(dir, "claude"),
        args: [],
      });
      const byPath = resolveClientCommand([join(dir, "codex")], { service: "codex", env });
      assert.equal(byPath.path, join(dir, "codex"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("resolveClientCommand() names the missing program and how to fix it", async () => {
  const dir = await binWith();
  try {
    const env = (k: string) => k === "PATH" ? dir : undefined;
    assert.throws(
      () => resolveClientCommand(["codex"], { service: "codex", env }),
      (e) =>
        e instanceof ClientNotFoundError && e.message === '"codex" not found on PATH' &&
        /npm install -g @openai\/codex/.test(e.hint ?? ""),
    );
    assert.throws(
      () => resolveClientCommand([], { service: "claude", env }),
      (e) => e instanceof ClientNotFoundError && /@anthropic-ai\/claude-code/.test(e.hint ?? ""),
    );
    assert.throws(
      () => resolveClientCommand([join(dir, "nope")], { service: "codex", env }),
      /is not an executable file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveClientCommand() refuses the other client before looking it up", () => {
  const env = () => undefined;
  assert.throws(
    () => resolveClientCommand(["claude", "-p", "x"], { service: "codex", env }),
    (e) => e instanceof UsageError && /run --claude -- claude/.test(e.hint ?? ""),
  );
  assert.throws(
    () => resolveClientCommand(["/opt/bin/codex"], { service: "claude", env }),
    (e) => e instanceof UsageError && /without --claude/.test(e.hint ?? ""),
  );
});
