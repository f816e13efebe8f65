/** The proxy's two hooks for the dashboard: the finished record, and the requests in flight. */
import assert from "node:assert/strict";
import type { ProxyPages, ProxyView } from "../../src/proxy/pages.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import {
  createPushStream,
  responsesStream,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "../proxy/fake_upstream.ts";

/** Pages that keep what the proxy hands them. */
function recordingPages() {
  const records: RequestRecord[] = [];
  let view: ProxyView | undefined;
  const pages: ProxyPages = {
    onRecord: (record) => void records.push(record),
    handle(_req, v) {
      view = v;
      return Promise.resolve(new Response("page"));
    },
  };
  return { pages, records, view: () => view };
}

Deno.test("onRecord receives each finished request once, exactly as logged", async () => {
  const { pages, records } = recordingPages();
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hi")));
  await using proxy = await startProxy({ upstreams: [`${up.url}/v1`], handler: { pages } });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{}" });
    await res.text();
  }
  const logged = await proxy.records();
  assert.equal(logged.length, 2);
  assert.equal(records.length, 2);
  assert.deepEqual(JSON.parse(JSON.stringify(records)), logged);
});

Deno.test("pages see the requests in flight, and the status, under /__codex_helper/", async () => {
  const { pages, view } = recordingPages();
  const push = createPushStream();
  await using up = startFakeUpstream(() => sseResponse(push.stream));
  await using proxy = await startProxy({ upstreams: [`${up.url}/v1`], handler: { pages } });
  const [first, ...rest] = responsesStream("done").split(/(?<=\n\n)/);
  push.push(first!); // the proxy commits on the first event; the stream stays open
  const res = await fetch(`${proxy.url}/v1/responses?secret=1`, { method: "POST", body: "{}" });
  const page = await fetch(`${proxy.url}/__codex_helper/anything`);
  assert.equal(await page.text(), "page"); // answered by the pages, not forwarded
  assert.equal(up.seen.length, 1);
  const v = view()!;
  const [tracker] = v.inFlight();
  assert.equal(tracker!.method, "POST");
  assert.equal(tracker!.pathname, "/v1/responses"); // never the query
  assert.equal((await v.status()).counters.active, 1);
  push.push(rest.join(""));
  push.end();
  await res.text();
  await proxy.records(); // the tracker has finished once the line is written
  assert.deepEqual(v.inFlight(), []);
});

Deno.test("without pages, /__codex_helper/ paths besides the status are forwarded as before", async () => {
  await using up = startFakeUpstream(() => sseResponse(responsesStream("hi")));
  await using proxy = await startProxy({ upstreams: [`${up.url}/v1`] });
  const res = await fetch(`${proxy.url}/__codex_helper/x`);
  await res.text();
  assert.equal(up.seen[0]!.path, "/v1/__codex_helper/x");
});
