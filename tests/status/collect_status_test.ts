import assert from "node:assert/strict";
import { collectStatus, readRequestLogStatus } from "../../src/status/collect_status.ts";
import { formatStatusText } from "../../src/status/format_status.ts";
import { fetchLiveStatus, parseLiveStatus } from "../../src/status/live_status.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import {
  claudeSwitchFiles,
  deadPort,
  sampleStatus,
  startFakeStatusServer,
  switchedConfigToml,
} from "./fake_status_server.ts";

const PLAIN = "sk-test-status-plain-61f0ae";

Deno.test("parseLiveStatus() tolerates missing and unknown fields", () => {
  const live = parseLiveStatus({
    name: "codex-helper",
    upstreams: [{ state: 7 }, "junk"],
    providers: [{}],
  });
  assert.equal(live.version, null);
  assert.deepEqual(live.counters, {});
  assert.equal(live.upstreams.length, 1);
  assert.equal(live.upstreams[0]!.base_url, "(unknown)");
  assert.equal(live.upstreams[0]!.state, null);
  assert.equal(live.providers[0]!.id, "(unnamed)");
  assert.equal(live.providers[0]!.last, null);
});

Deno.test("status prints a garbled proxy reply on single lines, without its control characters", async () => {
  await using server = startFakeStatusServer(() => ({
    name: "codex-helper",
    version: "1.0\u001b[2J\nFAKE LINE",
    uptime_secs: 59.97,
    active_config: "a\rb",
    upstreams: [{ base_url: "https://x.example/v1\u001b[31m", state: "open\u0007" }],
    providers: [{ id: "p\n", last: { state: "ok", exhausted: "no", error: "\u009b" } }],
    counters: { "x\ny": 1 },
  }));
  await using home = await createTempHome();
  const report = await collectStatus(home.paths, {
    defaultPorts: { codex: server.port, claude: deadPort() },
  });
  const lines = formatStatusText(report);
  assert.ok(lines.every((l) => !/\p{Cc}/u.test(l)), lines.join("\n"));
  const proxy = lines.find((l) => l.includes("codex-helper 1.0"));
  assert.equal(
    proxy?.trim(),
    `proxy on port ${server.port}: codex-helper 1.0?[2J?FAKE LINE ` +
      `(pid ?, up 59s, config "a?b")`,
  );
  assert.ok(lines.some((l) => l.trim() === "p?: budget ?, spent ?, remaining ?: ok"));
});

Deno.test("status warns when the switched port answers with something that is not codex-helper", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response('{"name":"codex-helper",', { headers: { "content-type": "application/json" } }),
  );
  try {
    await using home = await createTempHome();
    await home.write(".codex/config.toml", switchedConfigToml(server.addr.port));
    const report = await collectStatus(home.paths, { defaultPorts: { claude: deadPort() } });
    assert.equal(report.codex.switched, true);
    assert.equal(report.codex.proxy.found, "other");
    const line = formatStatusText(report).find((l) =>
      l.includes(`port ${server.addr.port}: another`)
    );
    assert.match(line ?? "", /requests go to it and fail/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("status names a codex-helper that serves the other client on a client's port", async () => {
  await using server = startFakeStatusServer((port) => sampleStatus(port, "claude"));
  await using home = await createTempHome();
  await home.write(".codex/config.toml", switchedConfigToml(server.port));
  const report = await collectStatus(home.paths, { defaultPorts: { claude: deadPort() } });
  assert.match(report.codex.problems.join("\n"), /serves claude, not codex/);
  assert.deepEqual(report.claude.problems, []);
});

Deno.test("fetchLiveStatus() tells codex-helper, another program and nothing apart", async () => {
  await using ours = startFakeStatusServer();
  const answer = await fetchLiveStatus(ours.port);
  assert.equal(answer.found, "codex-helper");
  assert.equal(answer.live?.upstreams[0]?.state, "open");
  assert.equal(answer.live?.upstreams[1]?.usage_exhausted, true);
  await using other = startFakeStatusServer(() => ({ name: "nginx" }));
  assert.deepEqual(await fetchLiveStatus(other.port), { found: "other", live: null });
  assert.deepEqual(await fetchLiveStatus(deadPort()), { found: "none", live: null });
});

Deno.test("collectStatus() shows both clients' switches, the live upstreams and the log size", async () => {
  await using server = startFakeStatusServer((port) => sampleStatus(port));
  await using home = await createTempHome();
  const dead = deadPort();
  await home.write(".codex/config.toml", switchedConfigToml(server.port));
  const claude = claudeSwitchFiles(dead);
  await home.write(".claude/settings.json", claude.settings);
  await home.write(".codex-proxy/switch_state.claude.json", claude.state);
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: "work",
        configs: {
          work: {
            upstreams: [
              { base_url: "https://primary.example/v1", auth: { auth_token_env: "WORK_KEY" } },
              { base_url: "https://api.packycode.com/v1", auth: { auth_token: PLAIN } },
            ],
          },
        },
      },
    }),
  );
  await home.write(".codex-proxy/logs/requests.jsonl", "x".repeat(100));
  await home.write(".codex-proxy/logs/requests.jsonl.1", "y".repeat(50));
  const report = await collectStatus(home.paths, { defaultPorts: { codex: dead, claude: dead } });

  assert.equal(report.codex.switched, true);
  assert.equal(report.codex.port, server.port);
  assert.equal(report.codex.proxy.found, "codex-helper");
  assert.equal(report.codex.proxy.live?.active_config, "work");
  assert.equal(report.codex.proxy.live?.counters.requests, 22);
  assert.deepEqual(report.codex.config.upstreams.map((u) => u.auth), [
    "auth_token from $WORK_KEY",
    "auth_token sk-...f0ae",
  ]);
  assert.equal(report.claude.switched, true);
  assert.equal(report.claude.port, dead);
  assert.equal(report.claude.proxy.found, "none");
  assert.equal(report.claude.record?.port, dead);
  assert.equal(report.request_log.total_bytes, 150);
  assert.equal(report.request_log.files.length, 2);
  assert.equal(report.usage_providers.state, "missing");

  const text = formatStatusText(report).join("\n");
  assert.match(text, new RegExp(`switched on: port ${server.port}`));
  assert.match(text, /codex-helper 9\.9\.9-test \(pid 4242, up 1h02m, config "work"\)/);
  assert.match(text, /1\. https:\/\/primary\.example\/v1 {2}breaker open, cooldown 12s, 3 failure/);
  assert.match(text, /api\.packycode\.com\/v1 {2}breaker closed, quota exhausted, 5 request/);
  assert.match(text, /packycode: budget 50, spent 50\.5, remaining -0\.5: EXHAUSTED/);
  assert.match(text, new RegExp(`proxy on port ${dead}: not running - requests will fail`));
  assert.match(text, /request log: 150 B in 2 file/);
  for (const out of [text, JSON.stringify(report)]) {
    assert.ok(!out.includes(PLAIN) && !out.includes("61f0ae"), "leaks the stored key");
  }
  await assert.rejects(Deno.stat(home.paths.usageProvidersJson), Deno.errors.NotFound);
});

Deno.test("collectStatus() reports broken files as problems instead of failing", async () => {
  await using home = await createTempHome();
  await home.write(".codex/config.toml", "model_provider = \n");
  await home.write(".claude/settings.json", "{");
  await home.write(".codex-proxy/config.json", "[");
  await home.write(".codex-proxy/usage_providers.json", "{");
  const dead = deadPort();
  const report = await collectStatus(home.paths, { defaultPorts: { codex: dead, claude: dead } });
  assert.match(report.codex.problems[0] ?? "", /Cannot parse ".*config\.toml"/);
  assert.match(report.claude.problems[0] ?? "", /Cannot parse ".*settings\.json"/);
  assert.match(report.config_error ?? "", /Cannot parse ".*config\.json"/);
  assert.equal(report.usage_providers.state, "invalid");
  const text = formatStatusText(report).join("\n");
  assert.match(text, /quota polling is off/);
});

Deno.test("readRequestLogStatus() is empty without a log", async () => {
  await using home = await createTempHome();
  const log = await readRequestLogStatus(home.paths.requestLog);
  assert.deepEqual(log.files, []);
  assert.equal(log.total_bytes, 0);
});

Deno.test("status shows a usage provider on none of the live upstreams' domains as not used", async () => {
  await using server = startFakeStatusServer((port) => ({
    ...sampleStatus(port),
    upstreams: [{ base_url: "https://relay.example/v1", state: "closed" }],
    providers: [{
      id: "packycode",
      last: {
        state: "unknown",
        error: "no token: set token_env, or give a matching upstream a token",
      },
      last_known: null,
    }],
  }));
  await using home = await createTempHome();
  const report = await collectStatus(home.paths, {
    defaultPorts: { codex: server.port, claude: deadPort() },
  });
  const lines = formatStatusText(report);
  assert.ok(
    lines.some((l) =>
      l.trim() === "packycode: not used (no upstream of the active config is on its domains)"
    ),
    lines.join("\n"),
  );
  assert.ok(!lines.some((l) => l.includes("last poll failed")), lines.join("\n"));
});
