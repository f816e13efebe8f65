import assert from "node:assert/strict";
import { createFileConfigSource, toActiveConfig } from "../../src/proxy/live_config.ts";
import { parseConfigText } from "../../src/config/store.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";

function configText(active: string, urls: string[]): string {
  return JSON.stringify({
    codex: {
      active,
      configs: {
        [active]: {
          upstreams: urls.map((u) => ({ base_url: u, auth: { auth_token_env: "TEST_KEY" } })),
        },
      },
    },
    proxy: { failure_threshold: 5 },
  });
}

/** A file config source over `home`'s config.json with a hand-driven clock. */
async function watchedSource(home: TempHome, checkIntervalMs?: number) {
  const clock = { t: 0 };
  const warnings: string[] = [];
  const env = () => "sk-test-1";
  const initial = toActiveConfig(
    parseConfigText(await Deno.readTextFile(home.paths.configJson), "c"),
    "codex",
    env,
  );
  const source = createFileConfigSource(home.paths, initial, {
    service: "codex",
    env,
    ...(checkIntervalMs === undefined ? {} : { checkIntervalMs }),
    now: () => clock.t,
    warn: (m) => warnings.push(m),
  });
  return { source, warnings, clock };
}

Deno.test("toActiveConfig() resolves credentials once and fills defaults", () => {
  const config = parseConfigText(configText("main", ["https://a.example/v1"]), "config.json");
  const active = toActiveConfig(config, "codex", (n) => n === "TEST_KEY" ? "sk-test-1" : undefined);
  assert.equal(active.configName, "main");
  assert.equal(active.upstreams[0]!.auth.bearer, "sk-test-1");
  assert.equal(active.settings.failure_threshold, 5);
  assert.equal(active.settings.header_timeout_secs, 30);
});

Deno.test("file config source picks up a change after the check interval, keeps the last good on error", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configText("one", ["https://a.example"]));
  const { source, warnings, clock } = await watchedSource(home, 500);
  assert.equal((await source.current()).configName, "one");
  await home.write(
    ".codex-proxy/config.json",
    configText("two", ["https://b.example", "https://c.example"]),
  );
  clock.t += 100;
  assert.equal((await source.current()).configName, "one", "not re-checked before the interval");
  clock.t += 500;
  const two = await source.current();
  assert.equal(two.configName, "two");
  assert.equal(two.upstreams.length, 2);
  assert.equal(await source.current(), two, "unchanged file: same object");
  await home.write(".codex-proxy/config.json", "{ broken");
  clock.t += 500;
  assert.equal((await source.current()).configName, "two");
  clock.t += 500;
  await source.current();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /config\.json/);
});

Deno.test("file config source keeps the last config, with one warning, while config.json is missing", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configText("one", ["https://a.example"]));
  const { source, warnings, clock } = await watchedSource(home);
  await source.current();
  await Deno.remove(home.paths.configJson);
  for (let i = 0; i < 3; i++) {
    clock.t += 1000;
    const active = await source.current();
    assert.equal(active.configName, "one");
    assert.equal(active.upstreams.length, 1);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /config\.json.*keeping the previous config/);
  await home.write(".codex-proxy/config.json", configText("two", ["https://b.example"]));
  clock.t += 1000;
  assert.equal((await source.current()).configName, "two");
});

Deno.test("file config source warns once when the reloaded config has no active upstreams", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configText("one", ["https://a.example"]));
  const { source, warnings, clock } = await watchedSource(home);
  await source.current();
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({ codex: { active: "gone", configs: {} } }),
  );
  clock.t += 1000;
  assert.equal((await source.current()).upstreams.length, 0);
  clock.t += 1000;
  await source.current();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /no upstreams/);
});
