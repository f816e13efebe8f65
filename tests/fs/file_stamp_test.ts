import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileStamp } from "../../src/fs/file_stamp.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("readFileStamp() is 'missing' for no file and changes with the content", async () => {
  await using home = await createTempHome();
  const file = join(home.dir, "f.json");
  assert.equal(await readFileStamp(file), "missing");
  await Deno.writeTextFile(file, "[]");
  const first = await readFileStamp(file);
  assert.notEqual(first, "missing");
  assert.equal(await readFileStamp(file), first);
  await Deno.writeTextFile(file, "[1, 2]");
  assert.notEqual(await readFileStamp(file), first);
});
