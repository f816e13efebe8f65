import assert from "node:assert/strict";
import { interpretBalance, probeProvider, readJsonPath } from "../../src/usage/budget_probe.ts";
import type { HttpJsonProvider, UsageProvider } from "../../src/usage/providers.ts";
import { startFakeBudgetServer } from "../_fakes/fake_budget_server.ts";

const budget = (endpoint: string): UsageProvider => ({
  id: "packy",
  kind: "budget_http_json",
  domains: ["packycode.com"],
  endpoint,
  poll_interval_secs: 60,
});

const relay = (fields: Partial<HttpJsonProvider>): HttpJsonProvider => ({
  id: "relay",
  kind: "http_json",
  domains: ["relay.example"],
  endpoint: "https://relay.example/balance",
  poll_interval_secs: 60,
  ...fields,
});

Deno.test("interpretBalance() budget_http_json: exhausted iff budget > 0 and spent >= budget", async (t) => {
  const cases: [unknown, unknown, boolean][] = [
    [100, 99.99, false],
    [100, 100, true],
    [100, 120, true],
    [0, 5, false],
    ["50", "50", true],
  ];
  for (const [b, s, exhausted] of cases) {
    await t.step(`budget ${b}, spent ${s}`, () => {
      const r = interpretBalance(budget("https://x"), {
        monthly_budget_usd: b,
        monthly_spent_usd: s,
      }, 1);
      assert.equal(r.exhausted, exhausted);
      assert.equal(r.remaining, Number(b) - Number(s));
    });
  }
  assert.throws(() => interpretBalance(budget("https://x"), { monthly_budget_usd: 1 }, 1));
});

Deno.test("interpretBalance() reads decimal text, not hex, binary or blank text", () => {
  const p = relay({ remaining_path: "left" });
  assert.equal(interpretBalance(p, { left: " 12.50 " }, 1).remaining, 12.5);
  assert.equal(interpretBalance(p, { left: "-3e2" }, 1).remaining, -300);
  for (const left of ["0x10", "0b1", "0o7", "  ", "12abc", "Infinity", true, [5]]) {
    assert.throws(() => interpretBalance(p, { left }, 1), /not a number/, String(left));
  }
});

Deno.test("readJsonPath() follows dotted keys and array indices", () => {
  const body = { data: { wallets: [{ left: 3 }, { left: 7 }] }, "a": null };
  assert.equal(readJsonPath(body, "data.wallets.1.left"), 7);
  assert.equal(readJsonPath(body, "data.wallets.5.left"), undefined);
  assert.equal(readJsonPath(body, "a.b"), undefined);
  assert.equal(readJsonPath(42, "x"), undefined);
});

Deno.test("interpretBalance() http_json with remaining, limit/used and threshold", async (t) => {
  await t.step("remaining above the default threshold 0", () => {
    const r = interpretBalance(relay({ remaining_path: "data.balance" }), {
      data: { balance: 1.5 },
    }, 1);
    assert.deepEqual([r.exhausted, r.remaining, r.budget, r.spent], [false, 1.5, null, null]);
  });
  await t.step("remaining at the threshold is exhausted", () => {
    const p = relay({ remaining_path: "quota.0.left", threshold: 2 });
    assert.equal(interpretBalance(p, { quota: [{ left: 2 }] }, 1).exhausted, true);
    assert.equal(interpretBalance(p, { quota: [{ left: 2.01 }] }, 1).exhausted, false);
  });
  await t.step("limit and used", () => {
    const p = relay({ limit_path: "total", used_path: "used" });
    const r = interpretBalance(p, { total: 10, used: 10 }, 1);
    assert.deepEqual([r.exhausted, r.remaining, r.budget, r.spent], [true, 0, 10, 10]);
    assert.equal(interpretBalance(p, { total: 10, used: 4 }, 1).exhausted, false);
    assert.equal(interpretBalance(p, { total: 0, used: 4 }, 1).exhausted, false);
  });
  await t.step("missing path throws", () => {
    assert.throws(() => interpretBalance(relay({ remaining_path: "nope" }), {}, 1), /"nope"/);
  });
});

Deno.test("probeProvider() sends the bearer token and reads the budget", async () => {
  await using server = startFakeBudgetServer({
    json: { monthly_budget_usd: 20, monthly_spent_usd: 25 },
  });
  const r = await probeProvider(budget(server.url), { token: "sk-test-abc", now: () => 7 });
  assert.deepEqual(r, {
    state: "ok",
    exhausted: true,
    budget: 20,
    spent: 25,
    remaining: -5,
    checked_at_ms: 7,
  });
  assert.deepEqual(server.authorizations, ["Bearer sk-test-abc"]);
});

Deno.test("probeProvider() turns every failure into unknown without the token", async (t) => {
  await using server = startFakeBudgetServer({ status: 500 });
  const cases: [string, Parameters<typeof startFakeBudgetServer>[0], RegExp][] = [
    ["HTTP 500", { status: 500 }, /HTTP 500/],
    ["garbage", { garbage: "<html>oops" }, /did not return JSON/],
    ["missing fields", { json: { balance: 1 } }, /"monthly_budget_usd" missing/],
    ["timeout", { hang: true }, /no answer within 0\.1 s/],
  ];
  for (const [name, reply, pattern] of cases) {
    await t.step(name, async () => {
      server.reply = reply;
      const r = await probeProvider(budget(server.url), {
        token: "sk-test-secret",
        timeoutMs: 100,
      });
      assert.equal(r.state, "unknown");
      assert.ok(r.state === "unknown" && pattern.test(r.error), JSON.stringify(r));
      assert.ok(!JSON.stringify(r).includes("sk-test-secret"));
    });
  }
  await t.step("connection refused", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const r = await probeProvider(budget(`http://127.0.0.1:${port}/x`), { token: "sk-test-s" });
    assert.equal(r.state, "unknown");
  });
  await t.step("no token: nothing is sent", async () => {
    const before = server.authorizations.length;
    const r = await probeProvider(budget(server.url), { token: undefined });
    assert.equal(r.state, "unknown");
    assert.equal(server.authorizations.length, before);
  });
});
