import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";

function configWith(urls: string[], authEnv = "TEST_UPSTREAM_KEY"): string {
  return JSON.stringify({
    codex: {
      active: "main",
      configs: {
        main: { upstreams: urls.map((u) => ({ base_url: u, auth: { auth_token_env: authEnv } })) },
      },
    },
  });
}

Deno.test("serve with no configs and nothing to import says how to add one and exits 1", async () => {
  await using home = await createTempHome();
  const r = await runCli(["serve", "--port", "0"], { env: home.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Nothing to import: .*config\.toml.*; .*codex-helper config add/m);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

Deno.test("serve on first start imports Codex's provider, then proxies with its key", async () => {
  await using upstream = startFakeUpstream(() => sseResponse(responsesStream("imported ok")));
  await using home = await createTempHome();
  await home.write(
    ".codex/config.toml",
    `model_provider = "relay"\n\n[model_providers.relay]\nname = "Relay"\nbase_url = "${upstream.url}/v1"\nenv_key = "RELAY_TEST_KEY"\nwire_api = "responses"\n`,
  );
  const serve = await spawnServe([], {
    env: { ...home.env, RELAY_TEST_KEY: "sk-test-first-start" },
  });
  const url = serve.url;
  try {
    assert.match(serve.firstLine, /config "relay", 1 upstream\)/);
    const res = await fetch(`${url}/responses`, { method: "POST", body: "{}" });
    assert.match(await res.text(), /imported ok/);
    assert.equal(upstream.seen[0]!.headers.get("authorization"), "Bearer sk-test-first-start");
    assert.equal(upstream.seen[0]!.path, "/v1/responses");
    const saved = JSON.parse(await Deno.readTextFile(home.paths.configJson));
    assert.deepEqual(saved.codex.configs.relay.upstreams[0].auth, {
      auth_token_env: "RELAY_TEST_KEY",
    });
  } finally {
    const { code, stderr } = await serve.stop();
    assert.equal(code, 0);
    assert.match(stderr, /First start: imported relay/);
    assert.doesNotMatch(stderr, /sk-test-first-start/);
  }
});

Deno.test("serve exits 1 naming the unset variable when no upstream has a token", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configWith(["https://a.example/v1"]));
  const r = await runCli(["serve", "--port", "0"], { env: home.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TEST_UPSTREAM_KEY/);
  assert.match(r.stderr, /export/);
});

Deno.test("serve rejects a bad port as a usage error", async () => {
  await using home = await createTempHome();
  const r = await runCli(["serve", "--port", "99999"], { env: home.env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid --port "99999": expected a number from 1 to 65535/);
});

Deno.test("serve --port 0 prints its address, proxies, reloads config, stops on SIGTERM", async () => {
  await using one = startFakeUpstream(() => sseResponse(responsesStream("from one")));
  await using two = startFakeUpstream(() => sseResponse(responsesStream("from two")));
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configWith([`${one.url}/v1`]));
  const serve = await spawnServe([], { env: { ...home.env, TEST_UPSTREAM_KEY: "sk-test-serve" } });
  const url = serve.url;
  try {
    assert.match(serve.firstLine, /config "main", 1 upstream\)/);
    const res = await fetch(`${url}/v1/responses`, { method: "POST", body: "{}" });
    assert.match(await res.text(), /from one/);
    assert.equal(one.seen[0]!.headers.get("authorization"), "Bearer sk-test-serve");

    await home.write(".codex-proxy/config.json", configWith([two.url]));
    const deadline = Date.now() + 15_000;
    let text = "";
    while (!text.includes("from two") && Date.now() < deadline) {
      text = await (await fetch(`${url}/v1/responses`, { method: "POST", body: "{}" })).text();
      if (!text.includes("from two")) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(text, /from two/);

    const status = await (await fetch(`${url}/__codex_helper/status`)).json();
    assert.equal(status.name, "codex-helper");
    assert.equal(status.port, serve.port);
    assert.equal(status.upstreams[0].base_url, two.url);

    // a second instance on the same port recognises the first
    const again = await runCli(["serve", "--port", String(serve.port)], {
      env: { ...home.env, TEST_UPSTREAM_KEY: "sk-test-serve" },
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /another codex-helper/);
  } finally {
    assert.equal((await serve.stop()).code, 0);
  }
  const log = await Deno.readTextFile(home.paths.requestLog);
  const lines = log.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.length >= 2);
  assert.equal(lines[0].upstream_base_url, `${one.url}/v1`);
  assert.ok(!log.includes("sk-test-serve"));
});

Deno.test("serve on first start without the key saves nothing and says how to go on", async (t) => {
  const cases = [
    {
      name: "an env_key that is not set",
      toml: `model_provider = "relay"\n\n[model_providers.relay]\nname = "Relay"\n` +
        `base_url = "https://relay.example/v1"\nenv_key = "RELAY_FIRST_KEY"\n`,
      config: "relay",
      reason: /RELAY_FIRST_KEY.*export RELAY_FIRST_KEY=/,
    },
    {
      name: "no key and no login at all",
      toml: `model = "gpt-5"\n`,
      config: "openai",
      reason: /declares no env_key and ".*auth\.json" does not exist; log in with "codex login"/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using home = await createTempHome();
      await home.write(".codex/config.toml", c.toml);
      const r = await runCli(["serve", "--port", "0"], { env: home.env });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`^error: Cannot start: the codex config "${c.config}" has no token`),
      );
      assert.match(r.stderr, c.reason);
      assert.match(r.stderr, /nothing was saved \(serve imports it again when it next starts\)$/m);
      await assert.rejects(Deno.lstat(home.paths.configJson), Deno.errors.NotFound);
    });
  }
  await t.step("with the key set, the next start imports and runs", async () => {
    await using home = await createTempHome();
    await home.write(".codex/config.toml", cases[0]!.toml);
    assert.equal((await runCli(["serve", "--port", "0"], { env: home.env })).code, 1);
    await using serve = await spawnServe([], { env: { ...home.env, RELAY_FIRST_KEY: "sk-test" } });
    assert.match(serve.firstLine, /config "relay", 1 upstream\)/);
    assert.match((await serve.stop()).stderr, /First start: imported relay/);
  });
});

Deno.test("serve on a port another codex-helper serves says how to use that one", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/config.json", configWith(["http://127.0.0.1:9/v1"]));
  const env = { ...home.env, TEST_UPSTREAM_KEY: "sk-test-taken" };
  const first = await spawnServe([], { env });
  try {
    for (const args of [[], ["--switch"]]) {
      const r = await runCli(["serve", "--port", String(first.port), ...args], { env });
      assert.equal(r.code, 1, r.stdout);
      assert.equal(
        r.stderr.trim(),
        `error: Port ${first.port} on 127.0.0.1 is taken by another codex-helper (codex, pid ` +
          `${/pid (\d+)/.exec(r.stderr)?.[1]}); it is already serving: use it (codex-helper ` +
          `switch-on --port ${first.port}, or codex-helper run --port ${first.port}), stop it ` +
          "first, or choose another --port",
      );
    }
  } finally {
    assert.equal((await first.stop()).code, 0);
  }
});
