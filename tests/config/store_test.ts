import assert from "node:assert/strict";
import { readConfig, updateConfig } from "../../src/config/store.ts";
import { ConfigSchemaError } from "../../src/config/schema.ts";
import { JsonParseError } from "../../src/fs/json_file.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const UPSTREAM = { base_url: "https://a.example.com/v1", auth: { auth_token_env: "A_KEY" } };

Deno.test("readConfig() treats a missing file as no configs yet", async () => {
  await using home = await createTempHome();
  const { config, exists } = await readConfig(home.paths);
  assert.equal(exists, false);
  assert.deepEqual(config.codex.configs, {});
  assert.deepEqual(config.claude.configs, {});
});

Deno.test("updateConfig() leaves malformed JSON untouched and names line and column", async () => {
  await using home = await createTempHome();
  const broken = '{\n  "codex": {\n    "configs": {,\n}\n';
  await home.write(".codex-proxy/config.json", broken);
  await assert.rejects(
    () => updateConfig(home.paths, (c) => void (c.codex.active = "x")),
    (error: Error) => {
      assert.ok(error instanceof JsonParseError);
      assert.match(error.message, /config\.json": .* at line 3, column 17/);
      return true;
    },
  );
  assert.equal(await Deno.readTextFile(home.paths.configJson), broken);
  await assert.rejects(() => Deno.stat(home.paths.configJsonBackup), Deno.errors.NotFound);
});

Deno.test("readConfig() names the field path of a schema error", async (t) => {
  const cases: { name: string; value: unknown; message: RegExp }[] = [
    {
      name: "a base_url that is not a URL",
      value: { codex: { configs: { x: { upstreams: [UPSTREAM, { base_url: "nope" }] } } } },
      message: /codex\.configs\.x\.upstreams\[1\]\.base_url: not a URL/,
    },
    {
      name: "an env reference that is not a variable name",
      value: {
        claude: {
          configs: { c: { upstreams: [{ base_url: "https://c", auth: { api_key_env: "1 x" } }] } },
        },
      },
      message: /claude\.configs\.c\.upstreams\[0\]\.auth\.api_key_env: not an environment/,
    },
    {
      name: "a tag that is not a string",
      value: { codex: { configs: { y: { upstreams: [{ ...UPSTREAM, tags: { n: 1 } }] } } } },
      message: /codex\.configs\.y\.upstreams\[0\]\.tags\.n: not a string/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      await home.write(".codex-proxy/config.json", JSON.stringify(c.value));
      await assert.rejects(() => readConfig(home.paths), (error: Error) => {
        assert.ok(error instanceof ConfigSchemaError);
        assert.match(error.message, c.message);
        return true;
      });
    });
  }
});

Deno.test("readConfig() names the line and column of a bad field, even in a config with dots in its name", async () => {
  await using home = await createTempHome();
  const text = `{
  "codex": {
    "configs": {
      "relay.v2": {
        "upstreams": [
          { "base_url": "https://ok.example/v1" },
          { "base_url": "not a url" }
        ]
      }
    }
  }
}
`;
  await home.write(".codex-proxy/config.json", text);
  await assert.rejects(() => readConfig(home.paths), (error: Error) => {
    assert.ok(error instanceof ConfigSchemaError);
    assert.match(
      error.message,
      /codex\.configs\.relay\.v2\.upstreams\[1\]\.base_url: not a URL at line 7, column 25/,
    );
    return true;
  });
  assert.equal(await Deno.readTextFile(home.paths.configJson), text);
});

Deno.test("updateConfig() keeps unknown fields, writes 0600 and keeps the previous version as .bak", async () => {
  await using home = await createTempHome();
  const original = {
    future_top: { keep: true },
    codex: {
      active: "x",
      configs: { x: { name: "x", extra: [1, 2], upstreams: [{ ...UPSTREAM, weight: 3 }] } },
      section_extra: "kept",
    },
  };
  const originalText = JSON.stringify(original, null, 2);
  await home.write(".codex-proxy/config.json", originalText);
  await updateConfig(home.paths, (c) => {
    c.codex.configs.y = { name: "y", upstreams: [UPSTREAM] };
  });
  const saved = JSON.parse(await Deno.readTextFile(home.paths.configJson));
  assert.deepEqual(saved.future_top, { keep: true });
  assert.equal(saved.codex.section_extra, "kept");
  assert.deepEqual(saved.codex.configs.x.extra, [1, 2]);
  assert.equal(saved.codex.configs.x.upstreams[0].weight, 3);
  assert.equal(saved.codex.configs.y.name, "y");
  assert.equal(await Deno.readTextFile(home.paths.configJsonBackup), originalText);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(home.paths.configJson)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(home.paths.configJsonBackup)).mode! & 0o777, 0o600);
  }
});

Deno.test("updateConfig() creates the folder on first save and writes nothing for a no-op", async () => {
  await using home = await createTempHome();
  await updateConfig(home.paths, () => {});
  await assert.rejects(() => Deno.stat(home.paths.configJson), Deno.errors.NotFound);
  await updateConfig(home.paths, (c) => void (c.codex.active = "a"));
  const first = await Deno.readTextFile(home.paths.configJson);
  assert.equal(JSON.parse(first).codex.active, "a");
  await assert.rejects(() => Deno.stat(home.paths.configJsonBackup), Deno.errors.NotFound);
  await updateConfig(home.paths, (c) => void (c.codex.active = "a"));
  await assert.rejects(() => Deno.stat(home.paths.configJsonBackup), Deno.errors.NotFound);
  const leftovers = [...Deno.readDirSync(home.paths.proxyHome)].map((e) => e.name).sort();
  assert.deepEqual(leftovers, ["config.json"], "no lock or temp file is left behind");
});

Deno.test("updateConfig() in one process serialises overlapping edits", async () => {
  await using home = await createTempHome();
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      updateConfig(home.paths, (c) => {
        c.codex.configs[`c${i}`] = { name: `c${i}`, upstreams: [UPSTREAM] };
      })),
  );
  const { config } = await readConfig(home.paths);
  assert.equal(Object.keys(config.codex.configs).length, 8);
});

Deno.test("updateConfig() writes through a symlinked config.json, which stays a symlink", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await createTempHome();
  const target = await home.write(
    "dotfiles/codex-proxy.json",
    JSON.stringify({ codex: { configs: {} } }),
  );
  await Deno.mkdir(home.paths.proxyHome, { recursive: true });
  await Deno.symlink(target, home.paths.configJson);
  await updateConfig(home.paths, (c) => {
    c.codex.configs.x = { name: "x", upstreams: [UPSTREAM] };
  });
  assert.ok((await Deno.lstat(home.paths.configJson)).isSymlink, "still a symlink");
  const saved = JSON.parse(await Deno.readTextFile(target));
  assert.equal(saved.codex.configs.x.upstreams[0].base_url, UPSTREAM.base_url);
  assert.equal((await Deno.stat(target)).mode! & 0o777, 0o600);
});
