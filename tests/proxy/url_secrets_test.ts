import assert from "node:assert/strict";
import { STATUS_PATH } from "../../src/proxy/status.ts";
import {
  refusedUrl,
  responsesStream,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "./fake_upstream.ts";

Deno.test("a key in an upstream URL's userinfo or query never reaches the log or the status", async () => {
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hi")));
  const dead = refusedUrl().replace("http://", "http://u:sk-test-dead-pw@") +
    "/v1?key=sk-test-dead";
  const live = up.url.replace("http://", "http://u:sk-test-live-pw@") + "/v1?key=sk-test-live";
  await using proxy = await startProxy({ upstreams: [dead, live] });
  const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.equal(res.status, 200);
  await res.text();
  assert.equal(up.seen[0]!.path, "/v1/responses?key=sk-test-live");
  const [rec] = await proxy.records();
  assert.equal(rec!.attempts!.length, 2);
  assert.match(rec!.upstream_base_url!, /^http:\/\/127\.0\.0\.1:\d+\/v1\?key=\*\*\*$/);
  const status = await (await fetch(`${proxy.url}${STATUS_PATH}`)).text();
  for (const text of [JSON.stringify(rec), status]) {
    assert.ok(!text.includes("sk-test"), text);
  }
});

Deno.test("a key with a character HTTP refuses is never echoed in the log or the reply", async () => {
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hi")));
  await using proxy = await startProxy({
    upstreams: [up.url],
    auth: () => ({ passthrough: false, bearer: "sk-test-pasted\nkey", missingEnv: [] }),
  });
  const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
  assert.equal(res.status, 502);
  const reply = await res.text();
  const [rec] = await proxy.records();
  assert.equal(up.seen.length, 0);
  assert.match(rec!.attempts![0]!.error!, /Invalid header value/);
  for (const text of [reply, JSON.stringify(rec)]) assert.ok(!text.includes("sk-test"), text);
});
