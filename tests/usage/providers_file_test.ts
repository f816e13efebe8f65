import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_USAGE_PROVIDERS } from "../../src/usage/providers.ts";
import { loadUsageProviders, readUsageProvidersState } from "../../src/usage/providers_file.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("loadUsageProviders() creates the default packy file when missing", async () => {
  await using home = await createTempHome();
  const file = home.paths.usageProvidersJson;
  const loaded = await loadUsageProviders(file);
  assert.equal(loaded.created, true);
  assert.deepEqual(loaded.providers, DEFAULT_USAGE_PROVIDERS.providers);
  const onDisk = JSON.parse(await Deno.readTextFile(file));
  assert.equal(onDisk.providers[0].endpoint, "https://www.packycode.com/api/backend/users/info");
  assert.deepEqual(onDisk.providers[0].domains, ["packycode.com"]);
  assert.equal(onDisk.providers[0].poll_interval_secs, 60);
  const again = await loadUsageProviders(file);
  assert.equal(again.created, false);
  const leftovers = [...Deno.readDirSync(join(file, ".."))].map((e) => e.name);
  assert.deepEqual(leftovers, ["usage_providers.json"]);
});

Deno.test("loadUsageProviders() never rewrites an existing file, even a broken one", async () => {
  await using home = await createTempHome();
  const broken = '{"providers": [ {"id": "x" ]}';
  const file = await home.write(".codex-proxy/usage_providers.json", broken);
  await assert.rejects(() => loadUsageProviders(file), JsonParseError);
  assert.equal(await Deno.readTextFile(file), broken);
  const custom = JSON.stringify({ providers: [] });
  await Deno.writeTextFile(file, custom);
  const loaded = await loadUsageProviders(file);
  assert.deepEqual(loaded, { providers: [], created: false, exists: true });
  assert.equal(await Deno.readTextFile(file), custom);
});

Deno.test("loadUsageProviders({ createIfMissing: false }) writes nothing", async () => {
  await using home = await createTempHome();
  const file = home.paths.usageProvidersJson;
  const loaded = await loadUsageProviders(file, { createIfMissing: false });
  assert.deepEqual(loaded.providers, DEFAULT_USAGE_PROVIDERS.providers);
  assert.deepEqual([loaded.created, loaded.exists], [false, false]);
  await assert.rejects(() => Deno.stat(file), Deno.errors.NotFound);
});

Deno.test("readUsageProvidersState() turns a broken file into polling-off with the reason", async () => {
  await using home = await createTempHome();
  const file = await home.write(".codex-proxy/usage_providers.json", '{"providers": 3}');
  const state = await readUsageProvidersState(file);
  assert.equal(state.ok, false);
  assert.ok(
    !state.ok &&
      /providers: missing or not an array at line 1, column 15/.test(state.error.message),
  );
  assert.equal(await Deno.readTextFile(file), '{"providers": 3}');
  await Deno.writeTextFile(file, JSON.stringify(DEFAULT_USAGE_PROVIDERS));
  const fixed = await readUsageProvidersState(file);
  assert.ok(fixed.ok && fixed.providers.length === 1);
});

Deno.test("loadUsageProviders() racing itself creates the file once", async () => {
  await using home = await createTempHome();
  const file = home.paths.usageProvidersJson;
  const results = await Promise.all(Array.from({ length: 8 }, () => loadUsageProviders(file)));
  assert.equal(results.filter((r) => r.created).length, 1);
  assert.ok(results.every((r) => r.providers[0]?.id === "packycode"));
  const names = [...Deno.readDirSync(join(file, ".."))].map((e) => e.name);
  assert.deepEqual(names, ["usage_providers.json"]);
});
