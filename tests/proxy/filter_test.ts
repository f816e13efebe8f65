import assert from "node:assert/strict";
import { join } from "node:path";
import { CliError } from "../../src/errors.ts";
import { applyFilterRules, createRequestFilter, parseFilterRules } from "../../src/proxy/filter.ts";
import { responsesStream, sseResponse, startFakeUpstream, startProxy } from "./fake_upstream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("applyFilterRules() replaces and removes every literal occurrence, in order", () => {
  const out = applyFilterRules(enc.encode("a SECRET b SECRET c /home/dev/x"), [
    { op: "replace", source: "SECRET", target: "[redacted]" },
    { op: "remove", source: "/home/dev" },
  ]);
  assert.equal(dec.decode(out), "a [redacted] b [redacted] c /x");
});

Deno.test("applyFilterRules() handles multi-byte text and leaves unmatched bodies alone", () => {
  const body = enc.encode("名前: 秘密 ok");
  assert.equal(
    dec.decode(applyFilterRules(body, [{ op: "replace", source: "秘密", target: "x" }])),
    "名前: x ok",
  );
  assert.equal(applyFilterRules(body, [{ op: "remove", source: "zzz" }]), body);
});

Deno.test("parseFilterRules() rejects a rule without source, naming the rule", () => {
  assert.throws(() => parseFilterRules('[{"op":"remove"}]', "filter.json"), /rule 1/);
  assert.throws(() => parseFilterRules('[{"op":"swap","source":"a"}]', "filter.json"), /"op"/);
  assert.throws(() => parseFilterRules("{", "filter.json"), /filter\.json/);
});

Deno.test("parseFilterRules() errors are CliErrors with the rule's line and column", () => {
  const text = '[\n  {"op": "remove", "source": "a"},\n  {"op": "swap", "source": "b"}\n]';
  assert.throws(() => parseFilterRules(text, "filter.json"), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(
      error.message,
      'Invalid "filter.json": rule 2: "op" must be "replace" or "remove" at line 3, column 10',
    );
    assert.match(error.hint ?? "", /left untouched/);
    return true;
  });
});

Deno.test("parseFilterRules() accepts replace and remove rules and names a bad rule", () => {
  assert.deepEqual(
    parseFilterRules(
      '[{"op":"replace","source":"a","target":"b"},{"op":"remove","source":"c"}]',
      "f",
    ),
    [{ op: "replace", source: "a", target: "b" }, { op: "remove", source: "c" }],
  );
  assert.throws(() => parseFilterRules("{}", "f.json"), /Invalid "f\.json": expected an array/);
  assert.throws(
    () => parseFilterRules('[{"op":"replace","source":"a"}]', "f.json"),
    /rule 1: "target" must be a string/,
  );
  assert.throws(
    () => parseFilterRules('[{"op":"remove","source":""}]', "f.json"),
    /rule 1: "source"/,
  );
  assert.throws(() => parseFilterRules("[1,", "f.json"), /Cannot parse "f\.json".*line 1/);
});

Deno.test("createRequestFilter() reloads on change; a malformed file keeps the last rules and warns once", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "filter.json");
  let t = 0;
  const warnings: string[] = [];
  const filter = createRequestFilter(path, {
    checkIntervalMs: 500,
    now: () => t,
    warn: (m) => warnings.push(m),
  });
  assert.equal(dec.decode(await filter.apply(enc.encode("k1 k2"))), "k1 k2");
  await Deno.writeTextFile(path, '[{"op":"replace","source":"k1","target":"K"}]');
  t += 500;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1 k2"))), "K k2");
  await Deno.writeTextFile(path, '[{"op":"replace","source":"k1"');
  t += 500;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1 k2"))), "K k2");
  t += 500;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1 k2"))), "K k2");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /filter\.json/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("createRequestFilter(): a link to a vanished filter.json keeps the rules; a removed file warns", async () => {
  const dir = await Deno.makeTempDir();
  const target = join(dir, "rules.json");
  const path = join(dir, "filter.json");
  await Deno.writeTextFile(target, '[{"op":"replace","source":"k1","target":"K"}]');
  await Deno.symlink(target, path);
  let t = 0;
  const warnings: string[] = [];
  const filter = createRequestFilter(path, { now: () => t, warn: (m) => warnings.push(m) });
  assert.equal(dec.decode(await filter.apply(enc.encode("k1"))), "K");
  await Deno.remove(target);
  t += 1000;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1"))), "K");
  t += 1000;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1"))), "K");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /does not exist; keeping the previous filter rules/);
  await Deno.remove(path);
  t += 1000;
  assert.equal(dec.decode(await filter.apply(enc.encode("k1"))), "k1");
  assert.equal(warnings.length, 2);
  assert.match(warnings[1]!, /was removed: requests are no longer filtered/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the upstream receives the filtered body", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "filter.json");
  await Deno.writeTextFile(path, '[{"op":"replace","source":"sk-test-leak","target":"[key]"}]');
  await using up = startFakeUpstream(() => sseResponse(responsesStream("ok")));
  await using proxy = await startProxy({
    upstreams: [up.url],
    handler: { filter: createRequestFilter(path) },
  });
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    body: '{"input":"my key is sk-test-leak"}',
  });
  await res.text();
  assert.equal(up.seen[0]!.body, '{"input":"my key is [key]"}');
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a compressed request body is decoded and filtered before it leaves", async (t) => {
  const zlib = await import("node:zlib");
  const dir = await Deno.makeTempDir();
  const path = join(dir, "filter.json");
  await Deno.writeTextFile(path, '[{"op":"replace","source":"sk-test-leak","target":"[key]"}]');
  const plain = '{"input":"my key is sk-test-leak"}';
  const encoders: [string, (b: Uint8Array) => Uint8Array][] = [
    ["gzip", (b) => zlib.gzipSync(b)],
    ["deflate", (b) => zlib.deflateSync(b)],
    ["br", (b) => zlib.brotliCompressSync(b)],
    ["zstd", (b) => zlib.zstdCompressSync(b)],
  ];
  await using up = startFakeUpstream(() => sseResponse(responsesStream("ok")));
  await using proxy = await startProxy({
    upstreams: [up.url],
    handler: { filter: createRequestFilter(path) },
  });
  for (const [encoding, encode] of encoders) {
    await t.step(encoding, async () => {
      const res = await fetch(`${proxy.url}/v1/responses`, {
        method: "POST",
        headers: { "content-encoding": encoding, "content-type": "application/json" },
        body: encode(enc.encode(plain)) as BodyInit,
      });
      assert.equal(res.status, 200);
      await res.text();
      const seen = up.seen.at(-1)!;
      assert.ok(!seen.body.includes("sk-test-leak"));
      assert.equal(seen.body, '{"input":"my key is [key]"}');
      assert.equal(seen.headers.get("content-encoding"), null);
    });
  }
  await t.step("an encoding the proxy cannot decode is refused", async () => {
    const before = up.seen.length;
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-encoding": "compress" },
      body: enc.encode(plain),
    });
    assert.equal(res.status, 415);
    assert.match((await res.json()).error.message, /compress/);
    assert.equal(up.seen.length, before);
  });
  await Deno.remove(dir, { recursive: true });
});
