/** The real Codex CLI through the real proxy (in-process) to fake upstreams. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { codexInstalled, runCodexExec } from "../_fakes/codex_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import {
  createPushStream,
  responsesStream,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "../proxy/fake_upstream.ts";

const haveCodex = codexInstalled;

async function runCodex(proxyUrl: string, prompt: string) {
  await using home = await createTempHome();
  const codexHome = join(home.dir, ".codex");
  await home.write(
    ".codex/config.toml",
    [
      'model = "mock-model"',
      'model_provider = "helper_test"',
      "",
      "[model_providers.helper_test]",
      'name = "Proxy under test"',
      `base_url = "${proxyUrl}/v1"`,
      'wire_api = "responses"',
      'env_key = "HELPER_TEST_KEY"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      "",
    ].join("\n"),
  );
  return await runCodexExec(prompt, {
    home: home.dir,
    codexHome,
    provider: "helper_test",
    env: { HELPER_TEST_KEY: "sk-test-codex-client" },
  });
}

function codexUpstream(text: string) {
  return startFakeUpstream((req) => {
    if (req.method === "POST" && new URL(req.url).pathname === "/v1/responses") {
      return sseResponse(responsesStream(text));
    }
    return new Response("not found", { status: 404 });
  });
}

Deno.test({
  name: "codex exec prints the upstream's text through the proxy",
  ignore: !haveCodex,
  async fn() {
    await using up = codexUpstream("Hello from the fake upstream");
    await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
    const r = await runCodex(proxy.url, "say hello");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hello from the fake upstream/);
    const turn = up.seen.find((s) => s.path === "/v1/responses")!;
    assert.equal(turn.headers.get("authorization"), "Bearer sk-test-upstream-1");
    const rec = (await proxy.records()).find((l) => l.path === "/v1/responses")!;
    assert.equal(rec.outcome, "completed");
    assert.equal(rec.usage?.total_tokens, 150);
  },
});

Deno.test({
  name: "codex exec succeeds through the backup when the primary answers 500",
  ignore: !haveCodex,
  async fn() {
    await using primary = startFakeUpstream(() => new Response("primary down", { status: 500 }));
    await using backup = codexUpstream("Served by the backup");
    await using proxy = await startProxy({ upstreams: [primary.url, backup.url] });
    const r = await runCodex(proxy.url, "say hello");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Served by the backup/);
    const rec = (await proxy.records()).find((l) => l.path === "/v1/responses")!;
    assert.deepEqual(rec.attempts!.map((a) => [a.upstream_base_url, a.status_code]), [
      [primary.url, 500],
      [backup.url, 200],
    ]);
    assert.equal(rec.upstream_base_url, backup.url);
  },
});

Deno.test({
  name: "a codex turn whose upstream ends its stream after Codex has left is completed",
  ignore: !haveCodex,
  async fn() {
    const pushes: ReturnType<typeof createPushStream>[] = [];
    await using up = startFakeUpstream((req) => {
      if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/responses") {
        return new Response("not found", { status: 404 });
      }
      // the whole turn, then the end of stream only once the proxy gives up on it
      const push = createPushStream();
      pushes.push(push);
      push.push(responsesStream("Answered in full"));
      return sseResponse(push.stream);
    });
    await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
    const r = await runCodex(proxy.url, "say hello");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Answered in full/);
    await Promise.all(pushes.map((p) => p.cancelled));
    const rec = (await proxy.records()).find((l) => l.path === "/v1/responses")!;
    assert.equal(rec.outcome, "completed");
    assert.equal(rec.usage?.total_tokens, 150);
    assert.equal(proxy.counters.client_aborted, 0);
    assert.equal(proxy.pool.snapshot()[0]!.failures, 0);
  },
});
