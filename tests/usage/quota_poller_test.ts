import assert from "node:assert/strict";
import type { Upstream } from "../../src/config/schema.ts";
import type { UsageProvider } from "../../src/usage/providers.ts";
import { createQuotaPoller, REQUEST_POLL_MIN_INTERVAL_MS } from "../../src/usage/quota_poller.ts";
import { ManualTimers } from "../_fakes/manual_timers.ts";
import { type FakeBudgetServer, startFakeBudgetServer } from "../_fakes/fake_budget_server.ts";

const upstreams: Upstream[] = [
  { base_url: "https://api.packycode.com/v1", auth: { auth_token: "sk-test-packy" } },
  { base_url: "https://packycode.com:8443/openai", auth: {} },
  { base_url: "https://evilpackycode.com/v1", auth: { auth_token: "sk-test-evil" } },
  { base_url: "https://other.example/v1", auth: {} },
];

function provider(endpoint: string): UsageProvider {
  return {
    id: "packy",
    kind: "budget_http_json",
    domains: ["packycode.com"],
    endpoint,
    poll_interval_secs: 60,
  };
}

function setup(server: FakeBudgetServer, timeoutMs = 5_000) {
  const marks = new Map<string, boolean>();
  const calls: [string, boolean][] = [];
  const timers = new ManualTimers();
  let clock = 1_000_000;
  const poller = createQuotaPoller({
    providers: [provider(server.url)],
    upstreams: () => upstreams,
    setUsageExhausted: (url, exhausted) => {
      marks.set(url, exhausted);
      calls.push([url, exhausted]);
    },
    env: () => undefined,
    timers,
    now: () => clock,
    timeoutMs,
  });
  return {
    poller,
    marks,
    calls,
    timers,
    advance: (ms: number) => clock += ms,
    [Symbol.dispose]: () => poller.stop(),
  };
}

const SPENT = { json: { monthly_budget_usd: 10, monthly_spent_usd: 10 } };
const REFILLED = { json: { monthly_budget_usd: 10, monthly_spent_usd: 2 } };

Deno.test("quota poller marks matching upstreams exhausted and clears them when refilled", async () => {
  await using server = startFakeBudgetServer(SPENT);
  using s = setup(server);
  await s.poller.pollNow();
  assert.deepEqual(Object.fromEntries(s.marks), {
    "https://api.packycode.com/v1": true,
    "https://packycode.com:8443/openai": true,
  });
  assert.deepEqual(server.authorizations, ["Bearer sk-test-packy"]);
  assert.deepEqual(s.poller.snapshot()[0]?.exhausted_upstreams.sort(), [
    "https://api.packycode.com/v1",
    "https://packycode.com:8443/openai",
  ]);
  server.reply = REFILLED;
  await s.poller.pollNow("packy");
  assert.equal(s.marks.get("https://api.packycode.com/v1"), false);
  assert.equal(s.marks.get("https://packycode.com:8443/openai"), false);
  assert.equal(s.marks.has("https://evilpackycode.com/v1"), false);
  const snap = s.poller.snapshot()[0];
  assert.deepEqual(snap?.exhausted_upstreams, []);
  assert.equal(snap?.last?.state, "ok");
});

Deno.test("quota poller: a failing probe changes no mark and keeps the last known result", async (t) => {
  await using server = startFakeBudgetServer(SPENT);
  using s = setup(server, 100);
  await s.poller.pollNow();
  const before = s.calls.length;
  const failures = [
    ["500", { status: 500 }],
    ["garbage", { garbage: "{not json" }],
    ["timeout", { hang: true }],
  ] as const;
  for (const [name, reply] of failures) {
    await t.step(name, async () => {
      server.reply = reply;
      await s.poller.pollNow();
      assert.equal(s.calls.length, before, "no callback on a failed probe");
      assert.equal(s.marks.get("https://api.packycode.com/v1"), true);
      const snap = s.poller.snapshot()[0];
      assert.equal(snap?.last?.state, "unknown");
      assert.equal(snap?.last_known?.state, "ok");
      assert.equal(snap?.exhausted_upstreams.length, 2);
    });
  }
});

Deno.test("quota poller: a failing first probe never marks anything", async () => {
  await using server = startFakeBudgetServer({ status: 500 });
  using s = setup(server);
  await s.poller.pollNow();
  assert.deepEqual(s.calls, []);
  assert.equal(s.poller.snapshot()[0]?.last_known, null);
});

Deno.test("quota poller polls on start and then every poll_interval_secs", async () => {
  await using server = startFakeBudgetServer(SPENT);
  using s = setup(server);
  s.poller.start();
  await s.poller.pollNow(); // joins the in-flight first poll
  assert.equal(server.authorizations.length, 1);
  assert.deepEqual(s.timers.delays(), [60_000]);
  server.reply = REFILLED;
  s.timers.fireAll();
  await s.poller.pollNow(); // joins the timer's poll
  assert.equal(server.authorizations.length, 2);
  assert.equal(s.marks.get("https://api.packycode.com/v1"), false);
  assert.deepEqual(s.timers.delays(), [60_000]);
  s.poller.stop();
  assert.deepEqual(s.timers.delays(), []);
});

Deno.test("quota poller polls after a request at most once per 20 s", async () => {
  await using server = startFakeBudgetServer(REFILLED);
  using s = setup(server);
  s.poller.notifyRequestComplete("https://other.example/v1/responses");
  s.poller.notifyRequestComplete("https://evilpackycode.com/v1");
  await s.poller.pollNow("none");
  assert.equal(server.authorizations.length, 0, "non-matching upstreams trigger nothing");

  s.poller.notifyRequestComplete("https://api.packycode.com/v1");
  await s.poller.pollNow(); // joins the request-triggered poll
  assert.equal(server.authorizations.length, 1);

  s.advance(5_000);
  s.poller.notifyRequestComplete("https://api.packycode.com/v1");
  s.poller.notifyRequestComplete("https://packycode.com:8443/openai");
  assert.deepEqual(s.timers.delays(), [REQUEST_POLL_MIN_INTERVAL_MS - 5_000]);
  assert.equal(server.authorizations.length, 1, "too soon: deferred, not sent");

  server.reply = SPENT;
  s.advance(15_000);
  s.timers.fireAll();
  await s.poller.pollNow();
  assert.equal(server.authorizations.length, 2);
  assert.equal(s.marks.get("https://api.packycode.com/v1"), true);

  s.advance(REQUEST_POLL_MIN_INTERVAL_MS);
  s.poller.notifyRequestComplete("https://api.packycode.com/v1");
  await s.poller.pollNow();
  assert.equal(server.authorizations.length, 3);
});

Deno.test("quota poller drops a result that arrives after stop()", async () => {
  await using server = startFakeBudgetServer({ hang: true });
  using s = setup(server);
  const inFlight = s.poller.pollNow();
  s.poller.stop();
  await inFlight;
  assert.deepEqual(s.calls, []);
  s.poller.notifyRequestComplete("https://api.packycode.com/v1");
  s.poller.start();
  assert.deepEqual(s.timers.delays(), []);
});

Deno.test("upstreamsChanged() forgets removed upstreams, marks new ones at once and polls for them", async () => {
  await using server = startFakeBudgetServer(SPENT);
  let list: Upstream[] = [upstreams[0]!, upstreams[3]!];
  const marks = new Map<string, boolean>();
  const poller = createQuotaPoller({
    providers: [provider(server.url)],
    upstreams: () => list,
    setUsageExhausted: (url, exhausted) => marks.set(url, exhausted),
    env: () => undefined,
    timers: new ManualTimers(),
  });
  try {
    poller.start();
    await poller.pollNow();
    assert.deepEqual(poller.snapshot()[0]!.exhausted_upstreams, ["https://api.packycode.com/v1"]);
    const polls = server.authorizations.length;
    list = [{ base_url: "https://eu.packycode.com/v1", auth: {} }, upstreams[3]!];
    poller.upstreamsChanged();
    assert.equal(marks.get("https://eu.packycode.com/v1"), true);
    assert.deepEqual(poller.snapshot()[0]!.exhausted_upstreams, ["https://eu.packycode.com/v1"]);
    await poller.pollNow();
    // the token now comes from token_env only, and there is none: that poll is unknown
    assert.equal(server.authorizations.length, polls);
    assert.equal(poller.snapshot()[0]!.last?.state, "unknown");
    poller.upstreamsChanged(); // nothing gained: no poll, marks as they were
    assert.deepEqual(poller.snapshot()[0]!.exhausted_upstreams, ["https://eu.packycode.com/v1"]);
  } finally {
    poller.stop();
  }
});
