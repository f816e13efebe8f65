import assert from "node:assert/strict";
import { buildTargetUrl, isFailoverStatus, parseRetryAfter } from "../../src/proxy/forward.ts";
import { classifyFirstEvent } from "../../src/proxy/first_event.ts";
import { buildClientHeaders, buildUpstreamHeaders } from "../../src/proxy/headers.ts";

Deno.test("buildTargetUrl() joins base and path without doubling /v1", async (t) => {
  const cases: [string, string, string][] = [
    ["https://x.example/v1", "/v1/responses", "https://x.example/v1/responses"],
    ["https://x.example/v1/", "/v1/responses?a=1", "https://x.example/v1/responses?a=1"],
    ["https://x.example", "/v1/responses", "https://x.example/v1/responses"],
    ["https://x.example/api/openai", "/v1/responses", "https://x.example/api/openai/v1/responses"],
    ["https://x.example/v1", "/v1", "https://x.example/v1"],
    ["https://x.example/v1", "/v10/x", "https://x.example/v1/v10/x"],
    [
      "https://api.anthropic.com",
      "/v1/messages?beta=true",
      "https://api.anthropic.com/v1/messages?beta=true",
    ],
    ["https://x.example/v1?key=k", "/v1/responses", "https://x.example/v1/responses?key=k"],
    [
      "https://x.example/v1/?key=k",
      "/v1/responses?a=1",
      "https://x.example/v1/responses?key=k&a=1",
    ],
    ["https://x.example/api?key=k", "/v1/responses", "https://x.example/api/v1/responses?key=k"],
    ["https://u:p@x.example/v1", "/v1/responses", "https://u:p@x.example/v1/responses"],
  ];
  for (const [base, path, want] of cases) {
    await t.step(`${base} + ${path}`, () => assert.equal(buildTargetUrl(base, path), want));
  }
});

Deno.test("isFailoverStatus() retries 429, 401, 403 and 5xx only", () => {
  for (const s of [429, 401, 403, 500, 502, 503, 529]) {
    assert.equal(isFailoverStatus(s), true, String(s));
  }
  for (const s of [200, 400, 404, 413, 422]) assert.equal(isFailoverStatus(s), false, String(s));
});

Deno.test("parseRetryAfter() reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("7"), 7000);
  assert.equal(parseRetryAfter("0.5"), 500);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
  const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
  assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now), 30_000);
});

Deno.test("classifyFirstEvent() fails over on retryable codes only", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const failed = (code: string) =>
    enc(
      `event: response.failed\ndata: {"type":"response.failed","response":{"error":{"code":"${code}"}}}\n\n`,
    );
  assert.equal(classifyFirstEvent(failed("server_error")).retryable, true);
  assert.equal(classifyFirstEvent(failed("rate_limit_exceeded")).retryable, true);
  assert.equal(classifyFirstEvent(failed("context_length_exceeded")).retryable, false);
  assert.equal(classifyFirstEvent(failed("insufficient_quota")).retryable, false);
  assert.equal(
    classifyFirstEvent(enc('data: {"type":"error","error":{"type":"overloaded_error"}}\r\n\r\n'))
      .retryable,
    true,
  );
  assert.equal(classifyFirstEvent(enc('data: {"type":"response.created"}\n\n')).retryable, false);
  assert.equal(classifyFirstEvent(enc(": ping\n\n")).retryable, false);
  // a failed event far into its block (long `event:`/`id:` lines) is still read whole
  for (const pad of [180, 250, 4000]) {
    const event = `id: ${
      "x".repeat(pad)
    }\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n`;
    assert.equal(classifyFirstEvent(enc(event)).retryable, true, `pad ${pad}`);
  }
  // a long first event of another type is left alone
  const created = `data: {"type":"response.created","response":{"instructions":"${
    "é".repeat(20_000)
  }"}}\n\n`;
  assert.equal(classifyFirstEvent(enc(created)).retryable, false);
});

Deno.test("buildUpstreamHeaders() swaps credentials and drops hop-by-hop headers", () => {
  const client = new Headers({
    authorization: "Bearer sk-test-client",
    "x-api-key": "sk-test-client-2",
    "chatgpt-account-id": "acct",
    host: "127.0.0.1:3211",
    "content-length": "10",
    connection: "keep-alive, x-hop",
    "x-hop": "1",
    "keep-alive": "timeout=5",
    "transfer-encoding": "chunked",
    expect: "100-continue",
    originator: "codex_exec",
    "x-codex-turn-metadata": "{}",
  });
  const build = (auth: Parameters<typeof buildUpstreamHeaders>[1]) =>
    new Headers(buildUpstreamHeaders(client, auth));
  const keyed = build({ passthrough: false, bearer: "sk-test-up", missingEnv: [] });
  assert.equal(keyed.get("authorization"), "Bearer sk-test-up");
  assert.equal(keyed.get("x-api-key"), null);
  assert.equal(keyed.get("chatgpt-account-id"), null);
  for (
    const h of [
      "host",
      "content-length",
      "connection",
      "x-hop",
      "keep-alive",
      "transfer-encoding",
      "expect",
    ]
  ) {
    assert.equal(keyed.get(h), null, h);
  }
  assert.equal(keyed.get("originator"), "codex_exec");
  assert.equal(keyed.get("x-codex-turn-metadata"), "{}");
  assert.equal(keyed.get("accept-encoding"), "identity");
  const apiKey = build({ passthrough: false, apiKey: "sk-ant-test", missingEnv: [] });
  assert.equal(apiKey.get("x-api-key"), "sk-ant-test");
  assert.equal(apiKey.get("authorization"), null);
  const pass = build({ passthrough: true, missingEnv: [] });
  assert.equal(pass.get("authorization"), "Bearer sk-test-client");
  assert.equal(pass.get("chatgpt-account-id"), "acct");
});

Deno.test("buildClientHeaders() drops length, encoding and hop-by-hop headers", () => {
  const out = new Headers(buildClientHeaders(
    new Headers({
      "content-type": "text/event-stream",
      "content-length": "5",
      "content-encoding": "gzip",
      connection: "close",
      "x-request-id": "r1",
    }),
  ));
  assert.equal(out.get("content-type"), "text/event-stream");
  assert.equal(out.get("x-request-id"), "r1");
  assert.equal(out.get("content-length"), null);
  assert.equal(out.get("content-encoding"), null);
  assert.equal(out.get("connection"), null);
});
