/** The proxy in front of fake Anthropic upstreams: every rule Claude Code depends on. */
import assert from "node:assert/strict";
import {
  anthropicError,
  anthropicEvent,
  anthropicReply,
  messageEvents,
  messageJson,
  messageStream,
} from "../_fakes/anthropic_fake.ts";
import { createPushStream, sseResponse, startFakeUpstream, startProxy } from "./fake_upstream.ts";

/** The headers Claude Code 2.1.197 sends with `POST /v1/messages?beta=true` (dummy key). */
const CLAUDE_HEADERS: Record<string, string> = {
  accept: "application/json",
  "content-type": "application/json",
  "user-agent": "claude-cli/2.1.197 (external, sdk-cli)",
  "x-claude-code-session-id": "7bdcfe28-db54-4b56-99ab-0adc5a0cd406",
  "x-stainless-retry-count": "0",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
  "anthropic-dangerous-direct-browser-access": "true",
  "anthropic-version": "2023-06-01",
  "x-api-key": "sk-ant-test-client",
  authorization: "Bearer sk-ant-test-client-bearer",
  "x-app": "cli",
  connection: "keep-alive",
  "accept-encoding": "gzip, deflate, br, zstd",
};

const STREAM_BODY = '{"model":"claude-sonnet-test","max_tokens":32,"stream":true,"messages":[]}';
const JSON_BODY = '{"model":"claude-sonnet-test","max_tokens":32,"messages":[]}';

function postMessages(url: string, body = STREAM_BODY, path = "/v1/messages?beta=true") {
  return fetch(`${url}${path}`, { method: "POST", headers: CLAUDE_HEADERS, body });
}

const API_KEY = (i: number) => ({
  passthrough: false,
  apiKey: `sk-ant-test-upstream-${i + 1}`,
  missingEnv: [],
});

const MERGED_USAGE = {
  input_tokens: 142,
  output_tokens: 5,
  reasoning_tokens: 0,
  total_tokens: 147,
  cached_input_tokens: 100,
  cache_creation_input_tokens: 30,
  cache_read_input_tokens: 100,
};

Deno.test("claude: HEAD / is answered locally and the upstream never sees it", async () => {
  await using up = startFakeUpstream(anthropicReply("x"));
  await using proxy = await startProxy({ upstreams: [up.url], service: "claude" });
  const res = await fetch(`${proxy.url}/`, { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(up.seen.length, 0);
});

Deno.test("claude: a streamed message keeps its query, headers, event lines and usage", async () => {
  await using up = startFakeUpstream(anthropicReply("Hello from Anthropic"));
  await using proxy = await startProxy({
    upstreams: [up.url],
    service: "claude",
    auth: API_KEY,
  });
  const res = await postMessages(proxy.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(await res.text(), messageStream("Hello from Anthropic"));
  const seen = up.seen[0]!;
  assert.equal(seen.path, "/v1/messages?beta=true");
  assert.equal(seen.body, STREAM_BODY);
  assert.equal(seen.headers.get("x-api-key"), "sk-ant-test-upstream-1");
  assert.equal(seen.headers.get("authorization"), null);
  assert.equal(seen.headers.get("anthropic-version"), "2023-06-01");
  assert.equal(seen.headers.get("anthropic-beta"), CLAUDE_HEADERS["anthropic-beta"]);
  assert.equal(
    seen.headers.get("x-claude-code-session-id"),
    CLAUDE_HEADERS["x-claude-code-session-id"],
  );
  assert.equal(seen.headers.get("accept-encoding"), "identity");
  const [rec] = await proxy.records();
  assert.equal(rec!.service, "claude");
  assert.equal(rec!.path, "/v1/messages");
  assert.equal(rec!.outcome, "completed");
  assert.equal(rec!.model, "claude-sonnet-test");
  assert.deepEqual(rec!.usage, MERGED_USAGE);
  assert.ok(!JSON.stringify(rec).includes("sk-ant-test"));
});

Deno.test("claude: an auth_token upstream gets Bearer and never the client's x-api-key", async () => {
  await using up = startFakeUpstream(anthropicReply("ok"));
  await using proxy = await startProxy({ upstreams: [up.url], service: "claude" });
  await (await postMessages(proxy.url)).text();
  const seen = up.seen[0]!;
  assert.equal(seen.headers.get("authorization"), "Bearer sk-test-upstream-1");
  assert.equal(seen.headers.get("x-api-key"), null);
});

Deno.test("claude: count_tokens is forwarded with its query", async () => {
  await using up = startFakeUpstream(anthropicReply("ok"));
  await using proxy = await startProxy({ upstreams: [up.url], service: "claude", auth: API_KEY });
  const res = await postMessages(proxy.url, JSON_BODY, "/v1/messages/count_tokens?beta=true");
  assert.deepEqual(await res.json(), { input_tokens: 12 });
  assert.equal(up.seen[0]!.path, "/v1/messages/count_tokens?beta=true");
  assert.equal(up.seen[0]!.headers.get("x-api-key"), "sk-ant-test-upstream-1");
  const [rec] = await proxy.records();
  assert.equal(rec!.path, "/v1/messages/count_tokens");
  assert.equal(rec!.service, "claude");
});

Deno.test("claude: a broken stream, then the same request without stream as JSON", async () => {
  let calls = 0;
  const cut = createPushStream();
  await using up = startFakeUpstream((req, seen) => {
    calls++;
    if (calls === 1) {
      const [name, data] = messageEvents("partial")[0]!;
      cut.push(anthropicEvent(name, data));
      return sseResponse(cut.stream);
    }
    return anthropicReply("Whole reply as JSON")(req, seen);
  });
  await using proxy = await startProxy({ upstreams: [up.url], service: "claude" });
  const first = await postMessages(proxy.url);
  assert.equal(first.status, 200);
  const reader = first.body!.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /^event: message_start\n/);
  cut.fail();
  await assert.rejects(async () => {
    while (!(await reader.read()).done) { /* drain until the cut */ }
  });
  const second = await postMessages(proxy.url, JSON_BODY);
  assert.equal(second.status, 200);
  assert.deepEqual(await second.json(), messageJson("Whole reply as JSON"));
  assert.equal(JSON.parse(up.seen[1]!.body).stream, undefined);
  const recs = await proxy.records();
  assert.deepEqual(recs.map((r) => r.outcome), ["stream_cut", "completed"]);
  assert.deepEqual(recs[1]!.usage, MERGED_USAGE);
  assert.ok(recs.every((r) => r.service === "claude"));
});

Deno.test("claude: fails over to the backup on each trigger, logging both attempts", async (t) => {
  const overloaded = () =>
    Response.json(anthropicError("overloaded_error", "Overloaded"), { status: 529 });
  const cases: [string, () => Response, number][] = [
    ["529 overloaded_error", overloaded, 529],
    ["500 api_error", () => Response.json(anthropicError("api_error", "x"), { status: 500 }), 500],
    ["503", () => new Response("unavailable", { status: 503 }), 503],
    [
      "429 rate_limit_error",
      () => Response.json(anthropicError("rate_limit_error", "slow"), { status: 429 }),
      429,
    ],
    [
      "401 authentication_error",
      () => Response.json(anthropicError("authentication_error", "bad key"), { status: 401 }),
      401,
    ],
    [
      "403 permission_error",
      () => Response.json(anthropicError("permission_error", "no"), { status: 403 }),
      403,
    ],
    [
      "200 whose first event is an overloaded_error",
      () => sseResponse(anthropicEvent("error", anthropicError("overloaded_error", "Overloaded"))),
      200,
    ],
  ];
  for (const [name, reply, status] of cases) {
    await t.step(name, async () => {
      await using primary = startFakeUpstream(reply);
      await using backup = startFakeUpstream(anthropicReply("Served by the backup"));
      await using proxy = await startProxy({
        upstreams: [primary.url, backup.url],
        service: "claude",
        auth: API_KEY,
      });
      const res = await postMessages(proxy.url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), messageStream("Served by the backup"));
      assert.equal(backup.seen[0]!.headers.get("x-api-key"), "sk-ant-test-upstream-2");
      const [rec] = await proxy.records();
      assert.equal(rec!.service, "claude");
      assert.equal(rec!.upstream_base_url, backup.url);
      assert.deepEqual(rec!.attempts!.map((a) => [a.upstream_base_url, a.status_code]), [
        [primary.url, status],
        [backup.url, 200],
      ]);
    });
  }
});

Deno.test("claude: when every upstream is overloaded the client gets the last 529 as is", async () => {
  const body = anthropicError("overloaded_error", "Overloaded");
  await using a = startFakeUpstream(() => Response.json(body, { status: 529 }));
  await using b = startFakeUpstream(() => Response.json(body, { status: 529 }));
  await using proxy = await startProxy({ upstreams: [a.url, b.url], service: "claude" });
  const res = await postMessages(proxy.url);
  assert.equal(res.status, 529);
  assert.deepEqual(await res.json(), body);
  const [rec] = await proxy.records();
  assert.equal(rec!.outcome, "upstream_error");
  assert.deepEqual(rec!.attempts!.map((x) => x.status_code), [529, 529]);
});
