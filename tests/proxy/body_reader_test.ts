import assert from "node:assert/strict";
import { createBodyReader } from "../../src/proxy/body_reader.ts";

const enc = new TextEncoder();

function byteStream(chunks: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (i < chunks.length) controller.enqueue(enc.encode(chunks[i++]!));
      else {
        controller.close();
        // a byte source completes a pending BYOB read at its end, as fetch bodies do
        controller.byobRequest?.respond(0);
      }
    },
  });
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = createBodyReader(body);
  const out: Uint8Array[] = [];
  for (let c = await reader.read(); c !== null; c = await reader.read()) out.push(c);
  return out;
}

Deno.test("createBodyReader() returns each chunk of a byte stream as its own copy", async () => {
  const chunks = await readAll(byteStream(["data: a\n\n", "data: bb\n\n", "x".repeat(70_000)]));
  const text = chunks.map((c) => new TextDecoder().decode(c)).join("");
  assert.equal(text, `data: a\n\ndata: bb\n\n${"x".repeat(70_000)}`);
  // the reused buffer never leaks into a returned chunk
  assert.equal(new TextDecoder().decode(chunks[0]), "data: a\n\n");
  assert.equal(new Set(chunks.map((c) => c.buffer)).size, chunks.length);
});

Deno.test("createBodyReader() reads a stream built in JS with a default reader", async () => {
  const body = ReadableStream.from([enc.encode("one"), enc.encode("two")]);
  const chunks = await readAll(body);
  assert.deepEqual(chunks.map((c) => new TextDecoder().decode(c)), ["one", "two"]);
});

Deno.test("createBodyReader() reads a fetch body and cancels it", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(byteStream(["first\n\n", "second\n\n"])),
  );
  const res = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  const reader = createBodyReader(res.body!);
  let text = "";
  for (let c = await reader.read(); c !== null; c = await reader.read()) {
    text += new TextDecoder().decode(c);
  }
  assert.equal(text, "first\n\nsecond\n\n");
  const res2 = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  const reader2 = createBodyReader(res2.body!);
  assert.notEqual(await reader2.read(), null);
  await reader2.cancel();
});
