/**
 * The real Codex CLI (installed by scripts/install_e2e_clients.sh) with a switched config.toml:
 * it must accept our provider table and send its request to our port. A hand-written fake stands
 * in for the proxy here; with the proxy in place, the same steps run through `serve`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createTempHome } from "../_fakes/temp_home.ts";
import { runCli } from "../_fakes/run_cli.ts";

const CODEX = fileURLToPath(new URL("../../.e2e/node_modules/.bin/codex", import.meta.url));
const installed = await Deno.stat(CODEX).then(() => true, () => false);

const USER_CONFIG = `# my settings
model = "gpt-5"
model_provider = "local" # the usual one

[model_providers.local]
name = "Local"
base_url = "http://127.0.0.1:9/v1"
env_key = "LOCAL_API_KEY"

[mcp_servers.none]
command = "true"
enabled = false
`;

function sse(events: object[]): string {
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
}

Deno.test({
  name: "codex exec uses the switched provider, and switch-off restores config.toml byte for byte",
  ignore: !installed,
  async fn() {
    await using home = await createTempHome();
    const config = await home.write(".codex/config.toml", USER_CONFIG);
    const requests: string[] = [];
    await using fake = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const path = new URL(req.url).pathname;
        await req.body?.cancel();
        requests.push(`${req.method} ${path}`);
        if (path !== "/responses") return new Response("not found", { status: 404 });
        const response = { id: "resp_e2e", status: "completed", output: [] };
        const message = {
          type: "message",
          id: "msg_e2e",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "switched-ok", annotations: [] }],
        };
        return new Response(
          sse([
            { type: "response.created", response: { ...response, status: "in_progress" } },
            { type: "response.output_item.done", output_index: 0, item: message },
            { type: "response.completed", response },
          ]),
          { headers: { "content-type": "text/event-stream" } },
        );
      },
    );
    const port = fake.addr.port;
    const on = await runCli(["switch-on", "--port", String(port)], { env: home.env });
    assert.equal(on.code, 0, on.stderr);

    const codex = await new Deno.Command(CODEX, {
      args: [
        "exec",
        "--skip-git-repo-check",
        "-c",
        "model_providers.codex_proxy.request_max_retries=0",
        "-c",
        "model_providers.codex_proxy.stream_max_retries=0",
        "say the word",
      ],
      cwd: home.dir,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: home.dir, CODEX_HOME: home.paths.codexHome },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(codex.stdout);
    const err = new TextDecoder().decode(codex.stderr);
    assert.equal(codex.code, 0, err);
    assert.match(out + err, /switched-ok/);
    assert.ok(requests.includes("POST /responses"), requests.join(", "));

    const off = await runCli(["switch-off"], { env: home.env });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(await Deno.readTextFile(config), USER_CONFIG);
  },
});
