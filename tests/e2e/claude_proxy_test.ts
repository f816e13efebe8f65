/** The real Claude Code through the real proxy (`serve --claude`) to fake Anthropic upstreams. */
import assert from "node:assert/strict";
import {
  anthropicError,
  anthropicEvent,
  anthropicReply,
  messageEvents,
  messageStream,
} from "../_fakes/anthropic_fake.ts";
import { HAVE_CLAUDE, runClaude } from "../_fakes/claude_cli.ts";
import { spawnServe } from "../_fakes/serve_process.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import {
  responsesStream,
  sseResponse,
  startFakeUpstream,
  startProxy,
} from "../proxy/fake_upstream.ts";

function bothSections(claudeUrl: string, codexUrl: string): string {
  return JSON.stringify({
    codex: {
      active: "main",
      configs: {
        main: { upstreams: [{ base_url: codexUrl, auth: { auth_token_env: "TEST_CODEX_KEY" } }] },
      },
    },
    claude: {
      active: "main",
      configs: {
        main: {
          upstreams: [{ base_url: claudeUrl, auth: { api_key_env: "TEST_ANTHROPIC_KEY" } }],
        },
      },
    },
  });
}

const CLIENT_KEY = "sk-ant-test-client";

Deno.test({
  name: "claude -p through serve --claude prints the upstream's text; a Codex serve shares the log",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using anthropic = startFakeUpstream(anthropicReply("Hello from the fake Anthropic"));
    await using openai = startFakeUpstream(() => sseResponse(responsesStream("codex side")));
    await using home = await createTempHome();
    await home.write(".codex-proxy/config.json", bothSections(anthropic.url, `${openai.url}/v1`));
    const env = {
      ...home.env,
      TEST_ANTHROPIC_KEY: "sk-ant-test-upstream",
      TEST_CODEX_KEY: "sk-test-codex-upstream",
    };
    const claudeServe = await spawnServe(["--claude"], { env });
    const codexServe = await spawnServe([], { env });
    let result;
    const rounds = 40;
    try {
      assert.match(claudeServe.firstLine, /\(claude, config "main", 1 upstream\)/);
      assert.match(codexServe.firstLine, /\(codex, config "main", 1 upstream\)/);
      const post = (url: string, path: string, body: string) =>
        fetch(`${url}${path}`, { method: "POST", body }).then((r) => r.text());
      const [claudeRun, ...replies] = await Promise.all([
        runClaude("say hello", {
          home: home.dir,
          env: { ANTHROPIC_BASE_URL: claudeServe.url, ANTHROPIC_API_KEY: CLIENT_KEY },
        }),
        ...Array.from(
          { length: rounds },
          (_, i) =>
            i % 2 === 0
              ? post(claudeServe.url, "/v1/messages?beta=true", '{"stream":true}')
              : post(codexServe.url, "/v1/responses", '{"stream":true}'),
        ),
      ]);
      result = claudeRun;
      for (const [i, text] of replies.entries()) {
        assert.equal(
          text,
          i % 2 === 0
            ? messageStream("Hello from the fake Anthropic")
            : responsesStream("codex side"),
        );
      }
    } finally {
      const stops = await Promise.all([claudeServe.stop(), codexServe.stop()]);
      for (const s of stops) assert.equal(s.code, 0, s.stderr);
    }
    assert.equal(result.code, 0, `claude failed: ${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Hello from the fake Anthropic/);
    const fromClaude = anthropic.seen.filter((s) =>
      s.headers.get("user-agent")?.startsWith("claude-cli")
    );
    assert.ok(fromClaude.length >= 1);
    for (const s of fromClaude) {
      assert.match(s.path, /^\/v1\/messages(\/count_tokens)?\?beta=true$/);
      assert.equal(s.headers.get("x-api-key"), "sk-ant-test-upstream");
      assert.equal(s.headers.get("authorization"), null);
      assert.equal(s.headers.get("anthropic-version"), "2023-06-01");
    }
    const log = await Deno.readTextFile(home.paths.requestLog);
    assert.ok(log.endsWith("\n"));
    const records = log.trim().split("\n").map((l) => JSON.parse(l) as RequestRecord);
    const claudeLines = records.filter((r) => r.service === "claude");
    const codexLines = records.filter((r) => r.service === "codex");
    assert.equal(codexLines.length, rounds / 2);
    assert.equal(claudeLines.length, rounds / 2 + fromClaude.length);
    assert.ok(records.every((r) => r.outcome === "completed"));
    assert.ok(!log.includes("sk-ant-test") && !log.includes("sk-test-codex"));
  },
});

Deno.test({
  name: "claude -p succeeds through the backup when the primary answers 529 overloaded_error",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using primary = startFakeUpstream(() =>
      Response.json(anthropicError("overloaded_error", "Overloaded"), { status: 529 })
    );
    await using backup = startFakeUpstream(anthropicReply("Served by the backup"));
    await using proxy = await startProxy({
      upstreams: [primary.url, backup.url],
      service: "claude",
      auth: (i) => ({
        passthrough: false,
        apiKey: `sk-ant-test-upstream-${i + 1}`,
        missingEnv: [],
      }),
    });
    await using home = await createTempHome();
    const r = await runClaude("say hello", {
      home: home.dir,
      env: {
        ANTHROPIC_BASE_URL: proxy.url,
        ANTHROPIC_API_KEY: CLIENT_KEY,
        CLAUDE_CODE_MAX_RETRIES: "0",
      },
    });
    assert.equal(r.code, 0, `claude failed: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Served by the backup/);
    const turn = (await proxy.records()).find((l) => l.path === "/v1/messages")!;
    assert.equal(turn.service, "claude");
    assert.equal(turn.outcome, "completed");
    assert.equal(turn.upstream_base_url, backup.url);
    assert.deepEqual(turn.attempts!.map((a) => [a.upstream_base_url, a.status_code]), [
      [primary.url, 529],
      [backup.url, 200],
    ]);
    assert.equal(backup.seen[0]!.headers.get("x-api-key"), "sk-ant-test-upstream-2");
  },
});

/** A stream that sends `message_start` and `content_block_start`, then breaks on the next read. */
function breakingStream(): ReadableStream<Uint8Array> {
  const [start, block] = messageEvents("partial");
  let reads = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (reads++ === 0) {
        const text = anthropicEvent(start![0], start![1]) + anthropicEvent(block![0], block![1]);
        controller.enqueue(new TextEncoder().encode(text));
      } else {
        controller.error(new Error("connection reset"));
      }
    },
  });
}

Deno.test({
  name: "claude -p recovers from a broken stream with the non-streaming reply through the proxy",
  ignore: !HAVE_CLAUDE,
  async fn() {
    await using up = startFakeUpstream((req, seen) => {
      const streamed = JSON.parse(seen.body || "{}").stream === true;
      if (streamed && new URL(req.url).pathname === "/v1/messages") {
        return sseResponse(breakingStream());
      }
      return anthropicReply("Recovered as JSON")(req, seen);
    });
    await using proxy = await startProxy({ upstreams: [up.url], service: "claude" });
    await using home = await createTempHome();
    const r = await runClaude("say hello", {
      home: home.dir,
      env: {
        ANTHROPIC_BASE_URL: proxy.url,
        ANTHROPIC_API_KEY: CLIENT_KEY,
        CLAUDE_CODE_MAX_RETRIES: "0",
      },
    });
    assert.equal(r.code, 0, `claude failed: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Recovered as JSON/);
    const turns = up.seen.filter((s) => s.path === "/v1/messages?beta=true");
    assert.deepEqual(turns.map((s) => JSON.parse(s.body).stream === true), [true, false]);
    const logged = (await proxy.records()).filter((l) => l.path === "/v1/messages");
    assert.deepEqual(logged.map((l) => [l.service, l.outcome]), [
      ["claude", "stream_cut"],
      ["claude", "completed"],
    ]);
    assert.equal(logged[1]!.usage!.cache_read_input_tokens, 100);
  },
});
