import assert from "node:assert/strict";
import { decodeUtf8Text, NotUtf8Error } from "../../src/fs/utf8_text.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
  );

Deno.test("decodeUtf8Text() keeps a BOM and rejects bytes that are not UTF-8, with line and column", () => {
  assert.equal(decodeUtf8Text(bytes([0xef, 0xbb, 0xbf], "a = 1\r\n"), "x"), "\ufeffa = 1\r\n");
  assert.equal(decodeUtf8Text(bytes("é\n"), "x"), "é\n");
  assert.throws(
    () => decodeUtf8Text(bytes('model = "x"\r\n# é\nname = "', [0xff], '"\n'), "c.toml"),
    (error: unknown) => {
      assert.ok(error instanceof NotUtf8Error);
      assert.equal(error.message, 'Cannot read "c.toml": not UTF-8 text at line 3, column 9');
      return true;
    },
  );
});

Deno.test("switch-on leaves a config.toml that is not UTF-8 byte for byte as it was", async () => {
  await using home = await createTempHome();
  const original = bytes('model = "', [0xe9], '"\n');
  await Deno.mkdir(home.paths.codexHome, { recursive: true });
  await Deno.writeFile(home.paths.codexConfigToml, original);
  const r = await runCli(["switch-on"], { env: home.env });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr,
    `error: Cannot read "${home.paths.codexConfigToml}": not UTF-8 text at line 1, column 10; ` +
      `save the file as UTF-8; it was left untouched\n`,
  );
  assert.deepEqual(await Deno.readFile(home.paths.codexConfigToml), original);
  await assert.rejects(() => Deno.stat(home.paths.codexConfigBackup), Deno.errors.NotFound);
});
