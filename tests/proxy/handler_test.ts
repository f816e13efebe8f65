import assert from "node:assert/strict";
import { PROXY_DEFAULTS } from "../../src/config/schema.ts";
import type { ActiveConfig } from "../../src/proxy/live_config.ts";
import {
  createPushStream,
  refusedUrl,
  responsesStream,
  sse,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "./fake_upstream.ts";

const CODEX_HEADERS = {
  "content-type": "application/json",
  accept: "text/event-stream",
  authorization: "Bearer sk-test-client",
  originator: "codex_exec",
  "session-id": "s-1",
  connection: "keep-alive, x-drop-me",
  "x-drop-me": "1",
};

function post(url: string, body = '{"model":"mock-model","stream":true}'): Promise<Response> {
  return fetch(`${url}/v1/responses?x=1`, { method: "POST", headers: CODEX_HEADERS, body });
}

Deno.test("handler forwards path, body and headers, streams the reply and logs usage", async () => {
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hello")));
  await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
  const res = await post(proxy.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const text = await res.text();
  assert.equal(text, responsesStream("hello"));
  const seen = up.seen[0]!;
  assert.equal(seen.path, "/v1/responses?x=1");
  assert.equal(seen.body, '{"model":"mock-model","stream":true}');
  assert.equal(seen.headers.get("authorization"), "Bearer sk-test-upstream-1");
  assert.equal(seen.headers.get("originator"), "codex_exec");
  assert.equal(seen.headers.get("session-id"), "s-1");
  assert.equal(seen.headers.get("x-drop-me"), null);
  const [rec] = await proxy.records();
  assert.equal(rec!.service, "codex");
  assert.equal(rec!.path, "/v1/responses");
  assert.equal(rec!.status_code, 200);
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.config_name, "test");
  assert.equal(rec!.upstream_base_url, `${up.url}/v1`);
  assert.equal(rec!.model, "mock-model");
  assert.deepEqual(rec!.usage, {
    input_tokens: 120,
    output_tokens: 30,
    reasoning_tokens: 10,
    total_tokens: 150,
    cached_input_tokens: 100,
  });
  assert.equal(rec!.attempts!.length, 1);
  assert.ok(typeof rec!.ttfb_ms === "number");
  assert.ok(!JSON.stringify(rec).includes("sk-test"));
});

Deno.test("handler fails over on each trigger and logs both attempts", async (t) => {
  const cases: [string, () => Response | Promise<Response>][] = [
    ["500", () => new Response("boom", { status: 500 })],
    ["529 overloaded", () => new Response('{"type":"error"}', { status: 529 })],
    ["401", () => new Response("bad key", { status: 401 })],
    ["403", () => new Response("forbidden", { status: 403 })],
    [
      "429 with Retry-After",
      () => new Response("slow", { status: 429, headers: { "retry-after": "7" } }),
    ],
  ];
  for (const [name, reply] of cases) {
    await t.step(name, async () => {
      await using bad = startFakeUpstream(reply);
      await using good = startFakeUpstream(() => sseResponse(responsesStream("backup")));
      await using proxy = await startProxy({ upstreams: [bad.url, good.url] });
      const res = await post(proxy.url);
      assert.equal(res.status, 200);
      assert.ok((await res.text()).includes("backup"));
      assert.equal(bad.seen.length, 1);
      assert.equal(good.seen[0]!.body, '{"model":"mock-model","stream":true}');
      const [rec] = await proxy.records();
      assert.equal(rec!.upstream_base_url, good.url);
      assert.deepEqual(rec!.attempts!.map((a) => a.upstream_base_url), [bad.url, good.url]);
      assert.equal(rec!.attempts![0]!.status_code, Number(name.slice(0, 3)));
      const health = proxy.pool.snapshot()[0]!;
      assert.equal(health.failures, 1);
      if (name.startsWith("429")) {
        assert.equal(health.state, "open");
        assert.ok(health.cooldown_remaining_ms > 5000 && health.cooldown_remaining_ms <= 7000);
      }
    });
  }
  await t.step("connection refused", async () => {
    await using good = startFakeUpstream(() => sseResponse(responsesStream("backup")));
    const dead = refusedUrl();
    await using proxy = await startProxy({ upstreams: [dead, good.url] });
    const res = await post(proxy.url);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const [rec] = await proxy.records();
    assert.equal(rec!.attempts![0]!.status_code, null);
    assert.ok(rec!.attempts![0]!.error);
  });
});

Deno.test("handler passes other 4xx through without retrying", async (t) => {
  for (const status of [400, 404, 413, 422]) {
    await t.step(String(status), async () => {
      await using bad = startFakeUpstream(() =>
        Response.json({ error: { message: "bad request" } }, { status })
      );
      await using good = startFakeUpstream(() => sseResponse(responsesStream("no")));
      await using proxy = await startProxy({ upstreams: [bad.url, good.url] });
      const res = await post(proxy.url);
      assert.equal(res.status, status);
      assert.deepEqual(await res.json(), { error: { message: "bad request" } });
      assert.equal(good.seen.length, 0);
      const [rec] = await proxy.records();
      assert.equal(rec!.outcome, "upstream_error");
      assert.equal(proxy.pool.snapshot()[0]!.failures, 0);
    });
  }
});

Deno.test("handler returns the last upstream's own error when every attempt fails", async () => {
  await using a = startFakeUpstream(() => new Response("a down", { status: 503 }));
  await using b = startFakeUpstream(() =>
    Response.json({ error: { code: "usage_limit_reached" } }, {
      status: 429,
      headers: { "x-custom": "kept" },
    })
  );
  await using proxy = await startProxy({ upstreams: [a.url, b.url] });
  const res = await post(proxy.url);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("x-custom"), "kept");
  assert.deepEqual(await res.json(), { error: { code: "usage_limit_reached" } });
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "upstream_error");
  assert.equal(rec!.attempts!.length, 2);
});

Deno.test("handler answers 502 with the attempts when no upstream answered", async () => {
  await using proxy = await startProxy({ upstreams: [refusedUrl(), refusedUrl()] });
  const res = await post(proxy.url);
  assert.equal(res.status, 502);
  const body = await res.json();
  assert.equal(body.error.type, "proxy_error");
  assert.equal(body.error.attempts.length, 2);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "proxy_error");
});

Deno.test("handler fails over when the header timeout passes", async () => {
  let release = () => {};
  const hold = new Promise<void>((r) => release = r);
  await using slow = startFakeUpstream(async () => {
    await hold;
    return new Response("late");
  });
  await using good = startFakeUpstream(() => sseResponse(responsesStream("fast")));
  await using proxy = await startProxy({
    upstreams: [slow.url, good.url],
    settings: { header_timeout_secs: 0.2 },
  });
  const res = await post(proxy.url);
  assert.ok((await res.text()).includes("fast"));
  release();
  const [rec] = await proxy.records();
  assert.match(rec!.attempts![0]!.error!, /header timeout/);
});

Deno.test("handler fails over invisibly before the first event", async (t) => {
  const cases: [string, string][] = [
    ["a stream that ends before its first event", ""],
    [
      "a first event response.failed with server_error",
      sse({ type: "response.failed", response: { error: { code: "server_error" } } }),
    ],
    [
      "a first event error with overloaded_error",
      sse({ type: "error", error: { type: "overloaded_error" } }, "error"),
    ],
  ];
  for (const [name, body] of cases) {
    await t.step(name, async () => {
      await using bad = startFakeUpstream(() => sseResponse(body));
      await using good = startFakeUpstream(() => sseResponse(responsesStream("second")));
      await using proxy = await startProxy({ upstreams: [bad.url, good.url] });
      const res = await post(proxy.url);
      const text = await res.text();
      assert.equal(text, responsesStream("second"));
      const [rec] = await proxy.records();
      assert.equal(rec!.attempts!.length, 2);
      assert.equal(rec!.upstream_base_url, good.url);
    });
  }
  await t.step("a non-retryable response.failed reaches the client", async () => {
    const failed = sse({
      type: "response.failed",
      response: { error: { code: "context_length_exceeded" } },
    });
    await using bad = startFakeUpstream(() => sseResponse(failed));
    await using good = startFakeUpstream(() => sseResponse(responsesStream("second")));
    await using proxy = await startProxy({ upstreams: [bad.url, good.url] });
    const res = await post(proxy.url);
    assert.equal(await res.text(), failed);
    assert.equal(good.seen.length, 0);
  });
});

Deno.test("handler answers 413 for a body over max_body_bytes without calling upstream", async () => {
  await using up = startFakeUpstream(() => new Response("no"));
  await using proxy = await startProxy({ upstreams: [up.url], settings: { max_body_bytes: 100 } });
  const res = await post(proxy.url, "x".repeat(200));
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.type, "request_too_large");
  assert.equal(up.seen.length, 0);
  const [rec] = await proxy.records();
  assert.equal(rec!.status_code, 413);
});

Deno.test("handler answers a browser's visit and its icon request itself, never upstream", async () => {
  await using up = startFakeUpstream(() => new Response("upstream page"));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const icon = await fetch(`${proxy.url}/favicon.ico`);
  assert.equal(icon.status, 204);
  await icon.body?.cancel();
  const page = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-mode": "navigate" } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /codex-helper .*dashboard/s);
  assert.equal(up.seen.length, 0);
  assert.equal((await proxy.records()).length, 0);
  // a client's own GET / (no navigation) is still relayed
  const api = await fetch(`${proxy.url}/`);
  assert.equal(await api.text(), "upstream page");
  assert.equal(up.seen.length, 1);
});

Deno.test("handler answers HEAD / locally (the Claude Code probe) and keeps the query", async () => {
  await using up = startFakeUpstream(() =>
    Response.json({
      type: "message",
      model: "claude-x",
      usage: { input_tokens: 5, output_tokens: 2 },
    })
  );
  await using proxy = await startProxy({ upstreams: [up.url], service: "claude" });
  const head = await fetch(`${proxy.url}/`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(up.seen.length, 0);
  const res = await fetch(`${proxy.url}/v1/messages?beta=true`, {
    method: "POST",
    headers: { "x-api-key": "sk-ant-test-client", "content-type": "application/json" },
    body: "{}",
  });
  assert.equal((await res.json()).model, "claude-x");
  assert.equal(up.seen[0]!.path, "/v1/messages?beta=true");
  assert.equal(up.seen[0]!.headers.get("x-api-key"), null);
  const [rec] = await proxy.records();
  assert.equal(rec!.service, "claude");
  assert.equal(rec!.usage!.input_tokens, 5);
});

Deno.test("handler logs usage for each protocol it relays", async (t) => {
  const chat = sse({ object: "chat.completion.chunk", model: "chat-m", choices: [] }) +
    sse({
      object: "chat.completion.chunk",
      model: "chat-m",
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    }) + "data: [DONE]\n\n";
  const anthropic = sse({
    type: "message_start",
    message: {
      model: "claude-m",
      usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 },
    },
  }, "message_start") +
    sse({ type: "message_delta", usage: { output_tokens: 7 } }, "message_delta") +
    sse({ type: "message_stop" }, "message_stop");
  const cases: [string, () => Response, string, number][] = [
    ["responses SSE", () => sseResponse(responsesStream("r")), "mock-model", 150],
    ["chat completions SSE", () => sseResponse(chat), "chat-m", 13],
    ["anthropic SSE", () => sseResponse(anthropic), "claude-m", 32],
    [
      "non-streaming JSON",
      () =>
        Response.json({
          object: "response",
          model: "json-m",
          usage: { input_tokens: 3, output_tokens: 2 },
        }),
      "json-m",
      5,
    ],
  ];
  for (const [name, reply, model, total] of cases) {
    await t.step(name, async () => {
      await using up = startFakeUpstream(reply);
      await using proxy = await startProxy({ upstreams: [up.url] });
      await (await post(proxy.url)).text();
      const [rec] = await proxy.records();
      assert.equal(rec!.outcome, "completed");
      assert.equal(rec!.model, model);
      assert.equal(rec!.usage!.total_tokens, total);
      assert.equal(proxy.counters.active, 0);
    });
  }
});

Deno.test("handler forwards a HEAD request and logs it", async () => {
  await using up = startFakeUpstream(() => new Response("body", { headers: { "x-up": "1" } }));
  await using proxy = await startProxy({ upstreams: [up.url] });
  const res = await fetch(`${proxy.url}/v1/models`, { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-up"), "1");
  assert.equal(up.seen[0]!.method, "HEAD");
  const [rec] = await proxy.records();
  assert.equal(rec!.method, "HEAD");
  assert.equal(proxy.counters.active, 0);
});

Deno.test("a request whose body is still arriving when the config changes uses its own config", async () => {
  await using one = startFakeUpstream(() => sseResponse(responsesStream("from one")));
  await using two = startFakeUpstream(() => sseResponse(responsesStream("from two")));
  const settings = { ...PROXY_DEFAULTS };
  const auth = { passthrough: false, bearer: "sk-test-upstream", missingEnv: [] };
  const configs: ActiveConfig[] = [one, two].map((up, i) => ({
    service: "codex",
    configName: `c${i}`,
    upstreams: [{ baseUrl: up.url, auth }],
    settings,
  }));
  let calls = 0;
  let firstCall!: () => void;
  const calledOnce = new Promise<void>((resolve) => firstCall = resolve);
  const source = {
    current() {
      const active = configs[Math.min(calls++, 1)]!;
      if (calls === 1) firstCall();
      return active;
    },
  };
  await using proxy = await startProxy({ upstreams: [one.url], handler: { source } });
  const body = createPushStream();
  const slow = fetch(`${proxy.url}/v1/responses`, { method: "POST", body: body.stream });
  await calledOnce;
  const quick = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.match(await quick.text(), /from two/);
  body.push("{}");
  body.end();
  const res = await slow;
  assert.equal(res.status, 200);
  assert.match(await res.text(), /from one/);
});
