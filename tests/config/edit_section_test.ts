import assert from "node:assert/strict";
import {
  addConfig,
  addUpstream,
  findConfigName,
  removeConfig,
  removeUpstream,
  setActive,
  UnknownConfigError,
} from "../../src/config/edit_section.ts";
import type { ServiceSection, Upstream } from "../../src/config/schema.ts";
import { UsageError } from "../../src/errors.ts";

function up(host: string): Upstream {
  return { base_url: `https://${host}.example.com/v1`, auth: { auth_token_env: "K" } };
}

function section(): ServiceSection {
  return {
    active: "a",
    configs: {
      a: { name: "a", alias: "Alpha", upstreams: [up("a1"), up("a2"), up("a3")] },
      b: { name: "b", upstreams: [up("b1")] },
    },
  };
}

Deno.test("addConfig() refuses an existing name and activates the first config", () => {
  const s = section();
  assert.throws(() => addConfig(s, { name: "a", upstream: up("x") }), /already exists/);
  assert.equal(addConfig(s, { name: "c", upstream: up("c") }, { alias: "C" }), false);
  assert.equal(s.configs.c!.alias, "C");
  const empty: ServiceSection = { configs: {} };
  assert.equal(addConfig(empty, { name: "first", upstream: up("f") }), true);
  assert.equal(empty.active, "first");
});

Deno.test("addUpstream() inserts by 1-based position and checks the range", async (t) => {
  const cases: { position?: number; expect: string[] | RegExp }[] = [
    { expect: ["a1", "a2", "a3", "n"] },
    { position: 1, expect: ["n", "a1", "a2", "a3"] },
    { position: 4, expect: ["a1", "a2", "a3", "n"] },
    { position: 0, expect: /out of range .* 1 to 4/ },
    { position: 5, expect: /out of range .* 1 to 4/ },
  ];
  for (const c of cases) {
    await t.step(`position ${c.position ?? "(default)"}`, () => {
      const s = section();
      const run = () =>
        addUpstream(s, { name: "Alpha", upstream: up("n") }, {
          ...(c.position !== undefined ? { position: c.position } : {}),
        });
      if (c.expect instanceof RegExp) {
        assert.throws(run, (e: Error) =>
          e instanceof UsageError && c.expect instanceof RegExp &&
          c.expect.test(e.message));
      } else {
        run();
        assert.deepEqual(
          s.configs.a!.upstreams.map((u) => new URL(u.base_url).hostname.split(".")[0]),
          c.expect,
        );
      }
    });
  }
});

Deno.test("removeUpstream() by index or URL, never emptying a pool", () => {
  const s = section();
  assert.equal(removeUpstream(s, { name: "a", which: "2" }).base_url, up("a2").base_url);
  assert.equal(
    removeUpstream(s, { name: "a", which: "https://a3.example.com/v1/" }).base_url,
    up("a3").base_url,
  );
  assert.throws(() => removeUpstream(s, { name: "a", which: "9" }), /no upstream 9: use 1 to 1/);
  assert.throws(() => removeUpstream(s, { name: "a", which: "https://zz" }), /no upstream with/);
  assert.throws(() => removeUpstream(s, { name: "a", which: "1" }), /only this upstream/);
  assert.equal(s.configs.a!.upstreams.length, 1);
});

Deno.test("removeConfig() and setActive() name the known configs on a typo", () => {
  const s = section();
  assert.throws(() => setActive(s, "zeta"), (e: Error) => {
    assert.ok(e instanceof UnknownConfigError);
    assert.match(e.message, /No codex config named "zeta"; known: "a", "b"/);
    return true;
  });
  assert.equal(setActive(s, "b"), "b");
  assert.equal(findConfigName(s, "Alpha"), "a");
  assert.equal(removeConfig(s, "b"), true);
  assert.equal(s.active, undefined);
  assert.equal(removeConfig(s, "a"), false);
  assert.throws(() => removeConfig(s, "a", { label: "claude" }), /No claude config .* \(none\)/);
});
