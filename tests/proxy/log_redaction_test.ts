/** The request log never keeps credentials that sit inside an upstream's base_url. */
import assert from "node:assert/strict";
import { anthropicReply } from "../_fakes/anthropic_fake.ts";
import { startFakeUpstream, startProxy } from "./fake_upstream.ts";

Deno.test("the request log records a base_url without user info or query values", async () => {
  await using up = startFakeUpstream(anthropicReply("ok"));
  const withQuery = `${up.url}/?key=sk-test-query-3141`;
  const withUser = up.url.replace("http://", "http://user:sk-test-pw-2718@");
  await using proxy = await startProxy({ upstreams: [withUser, withQuery], service: "claude" });
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"model":"m","max_tokens":1,"messages":[]}',
  });
  await res.body?.cancel();
  const records = await proxy.records();
  assert.equal(records.length, 1);
  const text = JSON.stringify(records);
  assert.doesNotMatch(text, /sk-test-(query|pw)/);
  const urls = records[0]!.attempts!.map((a) => a.upstream_base_url);
  assert.ok(urls.length >= 1);
  assert.equal(urls[0], up.url);
});
