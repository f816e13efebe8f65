/** The real Claude Code reads a switched settings.json: it calls the local port with our token. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { switchOffClaude, switchOnClaude } from "../../src/claude/switch.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

const CLAUDE = fileURLToPath(new URL("../../.e2e/node_modules/.bin/claude", import.meta.url));
const installed = await Deno.stat(CLAUDE).then(() => true, () => false);

// Plain JSON: Claude Code ignores a settings.json with comments or trailing commas.
const SETTINGS = `{
  "model": "sonnet",
  "permissions": { "deny": ["WebFetch"] }
}`;

function sse(text: string): string {
  const events: [string, unknown][] = [
    ["message_start", {
      type: "message_start",
      message: {
        id: "msg_test_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-test",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1 },
      },
    }],
    ["content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }],
    ["content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text },
    }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 5 },
    }],
    ["message_stop", { type: "message_stop" }],
  ];
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

function message(text: string): unknown {
  return {
    id: "msg_test_2",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-test",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 5 },
  };
}

Deno.test({
  name: "switchOnClaude() makes the real Claude Code call the local port with a placeholder token",
  ignore: !installed,
  async fn() {
    await using home = await createTempHome();
    const settingsFile = await home.write(".claude/settings.json", SETTINGS);
    const seen: { path: string; auth: string | null }[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const url = new URL(req.url);
      if (req.method !== "POST") return new Response(null, { status: 200 });
      seen.push({ path: url.pathname, auth: req.headers.get("authorization") });
      const body = await req.json();
      if (url.pathname === "/v1/messages/count_tokens") return Response.json({ input_tokens: 12 });
      if (url.pathname !== "/v1/messages") return new Response("not found", { status: 404 });
      if (body.stream !== true) return Response.json(message("FAKE-UPSTREAM-OK"));
      return new Response(sse("FAKE-UPSTREAM-OK"), {
        headers: { "content-type": "text/event-stream" },
      });
    });
    try {
      const on = await switchOnClaude(home.paths, { port: server.addr.port, env: home.getEnv });
      assert.equal(on.credential, "placeholder");
      assert.deepEqual(on.warnings, []);
      const out = await new Deno.Command(CLAUDE, {
        args: ["-p", "say hello"],
        clearEnv: true,
        env: {
          HOME: home.dir,
          PATH: Deno.env.get("PATH") ?? "",
          DISABLE_TELEMETRY: "1",
          DISABLE_AUTOUPDATER: "1",
          DISABLE_ERROR_REPORTING: "1",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        },
        cwd: home.dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(180_000),
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `claude failed: ${stdout}\n${stderr}`);
      assert.match(stdout, /FAKE-UPSTREAM-OK/);
      const messages = seen.filter((s) => s.path === "/v1/messages");
      assert.ok(messages.length >= 1);
      assert.ok(messages.every((s) => s.auth === "Bearer codex-helper"));
    } finally {
      await server.shutdown();
    }
    await switchOffClaude(home.paths);
    assert.equal(await Deno.readTextFile(settingsFile), SETTINGS);
    assert.equal(await Deno.stat(join(home.dir, ".codex-proxy")).then((i) => i.isDirectory), true);
  },
});
