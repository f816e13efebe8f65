/** A hand-written stand-in for a running codex-helper: answers its status path on 127.0.0.1. */

/** A running fake; dispose to stop it. */
export interface FakeStatusServer extends AsyncDisposable {
  port: number;
}

/** The status JSON of a codex-helper proxy with two upstreams and one usage provider. */
export function sampleStatus(port: number, service = "codex"): Record<string, unknown> {
  return {
    name: "codex-helper",
    service,
    version: "9.9.9-test",
    pid: 4242,
    port,
    uptime_secs: 3725,
    active_config: "work",
    upstreams: [
      {
        base_url: "https://primary.example/v1",
        state: "open",
        consecutive_failures: 3,
        cooldown_remaining_ms: 12_000,
        usage_exhausted: false,
        requests: 17,
        failures: 4,
      },
      {
        base_url: "https://api.packycode.com/v1",
        state: "closed",
        consecutive_failures: 0,
        cooldown_remaining_ms: 0,
        usage_exhausted: true,
        requests: 5,
        failures: 0,
        some_future_field: { nested: true },
      },
    ],
    providers: [{
      id: "packycode",
      kind: "budget_http_json",
      domains: ["packycode.com"],
      poll_interval_secs: 60,
      last: {
        state: "ok",
        exhausted: true,
        budget: 50,
        spent: 50.5,
        remaining: -0.5,
        checked_at_ms: 1_800_000_000_000,
      },
      last_known: null,
      exhausted_upstreams: ["https://api.packycode.com/v1"],
    }],
    counters: { requests: 22, active: 0, completed: 18, failed: 4, stream_cut: 0 },
  };
}

/** Serves `body` as JSON on every path (`name: "codex-helper"` makes it look like ours). */
export function startFakeStatusServer(
  body: (port: number) => unknown = sampleStatus,
): FakeStatusServer {
  let port = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json(body(port)),
  );
  port = server.addr.port;
  return {
    port,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A loopback port where nothing listens (bound once, then released). */
export function deadPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** config.toml text that points Codex at codex-helper on `port`. */
export function switchedConfigToml(port: number): string {
  return [
    `model = "gpt-5"`,
    `model_provider = "codex_proxy"`,
    ``,
    `[model_providers.codex_proxy]`,
    `name = "codex-helper"`,
    `base_url = "http://127.0.0.1:${port}/v1"`,
    `wire_api = "responses"`,
    ``,
  ].join("\n");
}

/** settings.json and switch record of a Claude Code switched to `port`. */
export function claudeSwitchFiles(port: number): { settings: string; state: string } {
  return {
    settings: JSON.stringify(
      {
        env: {
          ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
          ANTHROPIC_AUTH_TOKEN: "codex-helper",
        },
      },
      null,
      2,
    ),
    state: JSON.stringify({
      version: 1,
      port,
      settingsExisted: true,
      envCreated: false,
      previousBaseUrl: null,
      addedAuthToken: "codex-helper",
      writtenSha256: null,
      switchedAt: "2026-11-27T10:00:00.000Z",
    }),
  };
}
