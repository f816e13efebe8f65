import assert from "node:assert/strict";
import { detectStaleClaudeSwitch } from "../../src/claude/stale_switch.ts";
import { probeProxy } from "../../src/proxy/probe.ts";
import { switchOnClaude } from "../../src/claude/switch.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { closedPort } from "../_fakes/ports.ts";

function serve(body: unknown): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => Response.json(body),
  );
}

Deno.test("probeProxy() tells codex-helper, another program and nothing apart", async () => {
  const ours = serve({ name: "codex-helper", version: "0.1.0" });
  const other = serve({ name: "something" });
  try {
    assert.equal(await probeProxy(ours.addr.port), "codex-helper");
    assert.equal(await probeProxy(other.addr.port), "other");
    assert.equal(await probeProxy(closedPort()), "none");
  } finally {
    await ours.shutdown();
    await other.shutdown();
  }
});

Deno.test("detectStaleClaudeSwitch() reports live, stale and other", async () => {
  await using home = await createTempHome();
  const ours = serve({ name: "codex-helper" });
  try {
    await switchOnClaude(home.paths, { port: ours.addr.port, env: home.getEnv });
    const live = await detectStaleClaudeSwitch(home.paths);
    assert.equal(live.status, "live");
    assert.equal(live.fix, undefined);
  } finally {
    await ours.shutdown();
  }
  const stale = await detectStaleClaudeSwitch(home.paths);
  assert.equal(stale.status, "stale");
  assert.match(stale.fix!, /switch-off --claude/);
  const other = await detectStaleClaudeSwitch(home.paths, {
    probe: () => Promise.resolve("other"),
  });
  assert.equal(other.status, "other");
});

Deno.test("detectStaleClaudeSwitch() without a switch never probes", async () => {
  await using home = await createTempHome();
  let probed = 0;
  const probe = () => {
    probed++;
    return Promise.resolve("none" as const);
  };
  await home.write(".claude/settings.json", `{"env": {"ANTHROPIC_BASE_URL": "https://x.example"}}`);
  assert.equal((await detectStaleClaudeSwitch(home.paths, { probe })).status, "not-switched");
  await home.write(
    ".claude/settings.json",
    `{"env": {"ANTHROPIC_BASE_URL": "http://localhost:9"}}`,
  );
  assert.equal((await detectStaleClaudeSwitch(home.paths, { probe })).status, "unrecorded");
  await home.write(".claude/settings.json", `{"env": `);
  assert.equal((await detectStaleClaudeSwitch(home.paths, { probe })).status, "unreadable");
  assert.equal(probed, 0);
});
