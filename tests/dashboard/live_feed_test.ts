import assert from "node:assert/strict";
import { createLiveFeed } from "../../src/dashboard/live_feed.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { makeRecord } from "../_fakes/request_records.ts";

const dec = new TextDecoder();

/** Reads SSE text until `count` events named "request" have arrived; returns their data. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<unknown[]> {
  let text = "";
  const events: unknown[] = [];
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    text += dec.decode(value);
    let end;
    while ((end = text.indexOf("\n\n")) !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = /^event: request\ndata: (.*)$/m.exec(block);
      if (data) events.push(JSON.parse(data[1]!));
    }
  }
  return events;
}

Deno.test("createLiveFeed() does no work for a record while no page listens", () => {
  const feed = createLiveFeed();
  const record = makeRecord();
  // reading any field would throw: publish must not even look at the record
  const untouchable = new Proxy(record, {
    get() {
      throw new Error("the record was read");
    },
  }) as RequestRecord;
  feed.publish(untouchable);
  assert.equal(feed.size, 0);
});

Deno.test("createLiveFeed() pushes each finished record to every open page, URLs masked", async () => {
  const feed = createLiveFeed();
  const a = feed.open().body!.getReader();
  const b = feed.open().body!.getReader();
  assert.equal(feed.size, 2);
  feed.publish(makeRecord({
    model: "gpt-test",
    upstream_base_url: "https://u:sk-test-pw@relay.example/v1?key=sk-test-q",
    attempts: [{
      upstream_base_url: "https://u:sk-test-pw@relay.example/v1?key=sk-test-q",
      status_code: 200,
      error: null,
      duration_ms: 10,
    }],
  }));
  for (const reader of [a, b]) {
    const [event] = await readEvents(reader, 1) as Record<string, unknown>[];
    assert.equal(event!.model, "gpt-test");
    assert.equal(event!.upstream_base_url, "https://relay.example/v1?key=***");
    assert.ok(!JSON.stringify(event).includes("sk-test"));
    await reader.cancel();
  }
  assert.equal(feed.size, 0); // a closed page is forgotten
});

Deno.test("createLiveFeed() drops a page that stopped reading, and close() ends the rest", async () => {
  const feed = createLiveFeed({ maxBufferedBytes: 4096 });
  const stalled = feed.open().body!.getReader(); // never read
  const reading = feed.open().body!.getReader();
  const models: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    feed.publish(makeRecord({ model: `m-${i}` }));
    const [event] = await readEvents(reading, 1) as { model: string }[];
    models.push(event!.model);
  }
  assert.equal(feed.size, 1); // the stalled one is gone, its memory bounded
  assert.deepEqual(models, Array.from({ length: 20 }, (_, i) => `m-${i}`));
  feed.close();
  assert.equal(feed.size, 0);
  // both streams end (the stalled one after its buffered bytes)
  while (!(await reading.read()).done) { /* drain */ }
  while (!(await stalled.read()).done) { /* drain */ }
});

Deno.test("createLiveFeed() forgets a page whose request was aborted", () => {
  const feed = createLiveFeed();
  const abort = new AbortController();
  const res = feed.open(abort.signal);
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(feed.size, 1);
  abort.abort();
  assert.equal(feed.size, 0);
});
