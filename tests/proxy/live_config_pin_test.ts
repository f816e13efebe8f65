import assert from "node:assert/strict";
import {
  createFileConfigSource,
  pinActiveConfig,
  toActiveConfig,
} from "../../src/proxy/live_config.ts";
import { parseConfigText } from "../../src/config/store.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

function twoConfigs(active: string, otherUrl: string): string {
  return JSON.stringify({
    codex: {
      active,
      configs: {
        main: { upstreams: [{ base_url: "http://main.invalid/v1", auth: { auth_token: "a" } }] },
        other: { upstreams: [{ base_url: otherUrl, auth: { auth_token: "b" } }] },
      },
    },
  });
}

Deno.test("pinActiveConfig() serves the named config, and keeps it when config.json changes", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", twoConfigs("main", "http://other.invalid/v1"));
  const env = () => undefined;
  const config = parseConfigText(await Deno.readTextFile(home.paths.configJson), "c");
  assert.equal(pinActiveConfig(config, "codex", undefined), config);
  const initial = toActiveConfig(pinActiveConfig(config, "codex", "other"), "codex", env);
  assert.equal(initial.configName, "other");
  assert.equal(config.codex.active, "main"); // the parsed file itself is untouched
  const clock = { t: 0 };
  const source = createFileConfigSource(home.paths, initial, {
    service: "codex",
    env,
    configName: "other",
    checkIntervalMs: 1,
    now: () => clock.t,
  });
  await source.current();
  await home.write(".codex-proxy/config.json", twoConfigs("main", "http://other2.invalid/v1"));
  clock.t = 1_000;
  const reloaded = await source.current();
  assert.equal(reloaded.configName, "other");
  assert.equal(reloaded.upstreams[0]!.baseUrl, "http://other2.invalid/v1");
});
