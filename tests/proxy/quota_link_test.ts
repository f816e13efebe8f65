import assert from "node:assert/strict";
import { runServe, type ServeHandle } from "../../src/cli/serve_cmd.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { STATUS_PATH } from "../../src/proxy/status.ts";
import type { ProviderSnapshot } from "../../src/usage/quota_poller.ts";
import { fetchLiveStatus } from "../../src/status/live_status.ts";
import { startFakeBudgetServer } from "../_fakes/fake_budget_server.ts";
import { ManualTimers } from "../_fakes/manual_timers.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import {
  type FakeUpstream,
  responsesStream,
  sseResponse,
  startFakeUpstream,
} from "./fake_upstream.ts";

const SPENT = { json: { monthly_budget_usd: 10, monthly_spent_usd: 10 } };
const REFILLED = { json: { monthly_budget_usd: 10, monthly_spent_usd: 2 } };

/** Upstream hosts: the provider meters `packy.test`; `evilpacky.test` is not on its label boundary. */
const PRIMARY = "http://api.packy.test/v1";
const PRIMARY_EU = "http://eu.packy.test/v1";
const BACKUP = "http://evilpacky.test/v1";

function configText(urls: string[]): string {
  return JSON.stringify({
    codex: {
      active: "main",
      configs: {
        main: {
          upstreams: urls.map((u) => ({
            base_url: u,
            auth: { auth_token_env: u === BACKUP ? "BACKUP_KEY" : "PACKY_KEY" },
          })),
        },
      },
    },
  });
}

function providersText(endpoint: string): string {
  return JSON.stringify({
    providers: [{
      id: "packy",
      kind: "budget_http_json",
      domains: ["packy.test"],
      endpoint,
      poll_interval_secs: 60,
    }],
  });
}

interface Setup extends AsyncDisposable {
  home: TempHome;
  handle: ServeHandle;
  url: string;
  fakes: Record<string, FakeUpstream>;
  timers: ManualTimers;
  warnings: string[];
  /** Which fake answered a `POST /responses` through the proxy. */
  ask(): Promise<string>;
  status(): Promise<{ providers: ProviderSnapshot[]; upstreams: Record<string, boolean> }>;
}

/** A real `runServe` on port 0; upstream hosts are routed to fakes on 127.0.0.1. */
async function setup(
  options: { providers?: string; config?: string[]; timeoutMs?: number } = {},
): Promise<Setup> {
  const home = await createTempHome({ PACKY_KEY: "sk-test-packy", BACKUP_KEY: "sk-test-backup" });
  await home.write(".codex-proxy/config.json", configText(options.config ?? [PRIMARY, BACKUP]));
  if (options.providers !== undefined) {
    await home.write(".codex-proxy/usage_providers.json", options.providers);
  }
  const fakes: Record<string, FakeUpstream> = {};
  for (const base of [PRIMARY, PRIMARY_EU, BACKUP]) {
    const host = new URL(base).host;
    fakes[base] = startFakeUpstream(() => sseResponse(responsesStream(`from ${host}`)));
  }
  const via: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    const base = Object.keys(fakes).find((b) => new URL(b).host === url.host);
    return fetch(base ? `${fakes[base]!.url}${url.pathname}${url.search}` : url, init);
  };
  const warnings: string[] = [];
  const ctx: CliContext = {
    env: home.getEnv,
    paths: () => home.paths,
    cwd: () => home.dir,
    out: () => {},
    err: (text) => warnings.push(text),
  };
  const timers = new ManualTimers();
  const handle = await runServe(ctx, {
    port: 0,
    checkIntervalMs: 0,
    fetch: via,
    quota: { timers, timeoutMs: options.timeoutMs ?? 5000 },
  });
  const url = `http://127.0.0.1:${handle.addr.port}`;
  return {
    home,
    handle,
    url,
    fakes,
    timers,
    warnings,
    async ask() {
      const res = await fetch(`${url}/responses`, { method: "POST", body: "{}" });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return text.match(/from ([a-z.]+)/)?.[1] ?? "(none)";
    },
    async status() {
      const body = await (await fetch(`${url}${STATUS_PATH}`)).json();
      const upstreams: Record<string, boolean> = {};
      for (const u of body.upstreams) upstreams[u.base_url] = u.usage_exhausted;
      return { providers: body.providers, upstreams };
    },
    async [Symbol.asyncDispose]() {
      await handle.shutdown(0);
      for (const f of Object.values(fakes)) await f.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

Deno.test("serve skips an exhausted primary and uses it again once the budget is refilled", async () => {
  await using budget = startFakeBudgetServer(SPENT);
  await using s = await setup({ providers: providersText(budget.url) });
  await s.handle.quota.pollNow();
  // polled at start, next poll in poll_interval_secs; usage_providers.json checked every 5 s
  assert.deepEqual(s.timers.delays(), [5_000, 60_000]);
  assert.equal(await s.ask(), "evilpacky.test");
  assert.equal(s.fakes[PRIMARY]!.seen.length, 0);
  // the token comes from the matching upstream, never from the non-matching one
  assert.ok(budget.authorizations.length >= 1);
  assert.ok(budget.authorizations.every((a) => a === "Bearer sk-test-packy"));

  const exhausted = await s.status();
  assert.deepEqual(exhausted.upstreams, { [PRIMARY]: true, [BACKUP]: false });
  assert.equal(exhausted.providers.length, 1);
  assert.equal(exhausted.providers[0]!.id, "packy");
  assert.deepEqual(exhausted.providers[0]!.exhausted_upstreams, [PRIMARY]);
  assert.deepEqual(
    { ...exhausted.providers[0]!.last, checked_at_ms: 0 },
    { state: "ok", exhausted: true, budget: 10, spent: 10, remaining: 0, checked_at_ms: 0 },
  );

  budget.reply = REFILLED;
  await s.handle.quota.pollNow();
  const before = s.timers.pending.size;
  assert.equal(await s.ask(), "api.packy.test");
  // the finished request asks for a poll, held back to one per 20 s
  assert.equal(s.timers.pending.size, before + 1);
  assert.ok(s.timers.delays().some((d) => d > 5_000 && d <= 20_000), `${s.timers.delays()}`);
  assert.equal(s.fakes[PRIMARY]!.seen.length, 1);
  const refilled = await s.status();
  assert.deepEqual(refilled.upstreams, { [PRIMARY]: false, [BACKUP]: false });
  assert.deepEqual(refilled.providers[0]!.exhausted_upstreams, []);
  assert.equal(refilled.providers[0]!.last?.state, "ok");
  assert.deepEqual(s.warnings, []);
});

Deno.test("serve: a failing balance probe changes no mark", async (t) => {
  await using budget = startFakeBudgetServer(SPENT);
  await using s = await setup({ providers: providersText(budget.url), timeoutMs: 300 });
  await s.handle.quota.pollNow();
  assert.equal(await s.ask(), "evilpacky.test");
  const failures = [
    { name: "HTTP 500", reply: { status: 500 }, error: /HTTP 500/ },
    { name: "garbage", reply: { garbage: "<html>quota</html>" }, error: /not return JSON/ },
    { name: "timeout", reply: { hang: true as const }, error: /no answer within 0\.3 s/ },
    { name: "missing fields", reply: { json: { balance: 3 } }, error: /monthly_budget_usd/ },
  ];
  for (const f of failures) {
    await t.step(`${f.name} keeps the primary marked exhausted`, async () => {
      budget.reply = f.reply;
      await s.handle.quota.pollNow();
      const st = await s.status();
      const p = st.providers[0]!;
      assert.equal(p.last?.state, "unknown");
      assert.match(p.last?.state === "unknown" ? p.last.error : "", f.error);
      assert.equal(p.last_known?.state === "ok" && p.last_known.exhausted, true);
      assert.deepEqual(p.exhausted_upstreams, [PRIMARY]);
      assert.deepEqual(st.upstreams, { [PRIMARY]: true, [BACKUP]: false });
      assert.equal(await s.ask(), "evilpacky.test");
      assert.equal(s.fakes[PRIMARY]!.seen.length, 0);
    });
  }
});

Deno.test("serve: a probe failing from the start never marks an upstream", async () => {
  await using budget = startFakeBudgetServer({ status: 500 });
  await using s = await setup({ providers: providersText(budget.url) });
  await s.handle.quota.pollNow();
  assert.equal(await s.ask(), "api.packy.test");
  const st = await s.status();
  assert.deepEqual(st.upstreams, { [PRIMARY]: false, [BACKUP]: false });
  assert.equal(st.providers[0]!.last?.state, "unknown");
  assert.equal(st.providers[0]!.last_known, null);
});

Deno.test("serve follows config changes: removed upstreams lose their marks, new ones are marked", async () => {
  await using budget = startFakeBudgetServer(SPENT);
  await using s = await setup({ providers: providersText(budget.url) });
  await s.handle.quota.pollNow();
  const polls = budget.authorizations.length;
  await s.home.write(".codex-proxy/config.json", configText([PRIMARY_EU, BACKUP]));
  await s.handle.quota.refresh();
  // marked from the last known balance before any request, then polled for the new upstream
  assert.deepEqual((await s.status()).providers[0]!.exhausted_upstreams, [PRIMARY_EU]);
  assert.equal(await s.ask(), "evilpacky.test");
  assert.equal(s.fakes[PRIMARY_EU]!.seen.length, 0);
  await s.handle.quota.pollNow();
  assert.ok(budget.authorizations.length > polls);
  const st = await s.status();
  assert.deepEqual(st.upstreams, { [PRIMARY_EU]: true, [BACKUP]: false });
  assert.deepEqual(st.providers[0]!.exhausted_upstreams, [PRIMARY_EU]);
});

Deno.test("serve: a broken usage_providers.json warns once with line and column and is never rewritten", async () => {
  await using budget = startFakeBudgetServer(SPENT);
  const broken = '{\n  "providers": [\n    { "id": "packy", }\n  ]\n}\n';
  await using s = await setup({ providers: broken });
  const file = s.home.paths.usageProvidersJson;
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /^warning: Cannot parse ".*usage_providers\.json".*line 3, column/);
  assert.match(s.warnings[0]!, /quota polling is off/);
  await s.handle.quota.pollNow();
  assert.deepEqual((await s.status()).providers, []);
  assert.equal(await s.ask(), "api.packy.test");
  assert.equal(await Deno.readTextFile(file), broken);
  await s.handle.quota.refresh();
  assert.equal(s.warnings.length, 1, "the same problem is told once");

  // fixed while serving: picked up by the next check
  await Deno.writeTextFile(file, providersText(budget.url));
  await s.handle.quota.pollNow();
  assert.deepEqual((await s.status()).providers[0]!.exhausted_upstreams, [PRIMARY]);
  assert.equal(await s.ask(), "evilpacky.test");

  // a schema error names the field and turns polling off again, clearing its marks
  await Deno.writeTextFile(file, '{"providers": [{"id": "packy", "kind": "nope"}]}');
  await s.handle.quota.refresh();
  assert.equal(s.warnings.length, 2);
  assert.match(s.warnings[1]!, /providers\[0\]\.kind: unknown kind.* at line 1, column/);
  assert.deepEqual((await s.status()).upstreams, { [PRIMARY]: false, [BACKUP]: false });
});

Deno.test("serve creates the default usage_providers.json when missing", async () => {
  await using s = await setup();
  const text = await Deno.readTextFile(s.home.paths.usageProvidersJson);
  assert.equal(
    JSON.parse(text).providers[0].endpoint,
    "https://www.packycode.com/api/backend/users/info",
  );
  const st = await s.status();
  assert.deepEqual(st.providers.map((p) => [p.id, p.domains]), [["packycode", ["packycode.com"]]]);
  // no upstream of packycode.com and no token_env: nothing to poll with, nothing marked
  await s.handle.quota.pollNow();
  const p = (await s.status()).providers[0]!;
  assert.equal(p.last?.state, "unknown");
  assert.match(p.last?.state === "unknown" ? p.last.error : "", /no token/);
});

Deno.test("status reads the provider results of a running serve without its secrets", async () => {
  await using budget = startFakeBudgetServer(SPENT);
  await using s = await setup({ providers: providersText(budget.url) });
  await s.handle.quota.pollNow();
  const answer = await fetchLiveStatus(s.handle.addr.port);
  assert.equal(answer.found, "codex-helper");
  assert.deepEqual(answer.live?.providers.map((p) => [p.id, p.exhausted_upstreams]), [
    ["packy", [PRIMARY]],
  ]);
  assert.equal(answer.live?.providers[0]?.last?.exhausted, true);
  assert.doesNotMatch(JSON.stringify(answer), /sk-test/);
});

Deno.test("the status shows an exhausted upstream's URL masked, and unmarking still finds it", async () => {
  const keyed = `${PRIMARY}?key=sk-test-inurl`;
  await using budget = startFakeBudgetServer(SPENT);
  await using s = await setup({ providers: providersText(budget.url), config: [keyed, BACKUP] });
  await s.handle.quota.pollNow();
  const exhausted = await s.status();
  assert.deepEqual(exhausted.providers[0]!.exhausted_upstreams, [`${PRIMARY}?key=***`]);
  assert.deepEqual(exhausted.upstreams, { [`${PRIMARY}?key=***`]: true, [BACKUP]: false });
  await s.home.write(".codex-proxy/usage_providers.json", JSON.stringify({ providers: [] }));
  await s.handle.quota.refresh();
  const body = await (await fetch(`${s.url}${STATUS_PATH}`)).text();
  assert.ok(!body.includes("sk-test"), body);
  assert.deepEqual((await s.status()).upstreams, {
    [`${PRIMARY}?key=***`]: false,
    [BACKUP]: false,
  });
});
