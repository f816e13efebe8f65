/** `run` passes SIGINT/SIGTERM/SIGHUP to the client, exits with its code, stops its proxy. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { isPortClosed, spawnRun, startedProxyPort } from "../_fakes/run_process.ts";
import { closedPort } from "../_fakes/ports.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { waitFor } from "../proxy/fake_upstream.ts";

/** A stand-in `codex`: records its arguments, then waits for a signal and exits with its code. */
const FAKE_CODEX = `#!/bin/sh
out="$FAKE_CODEX_OUT"
trap 'echo INT > "$out/got"; exit 72' INT
trap 'echo TERM > "$out/got"; exit 75' TERM
trap 'echo HUP > "$out/got"; exit 71' HUP
for a in "$@"; do printf '%s\\n' "$a"; done > "$out/args"
: > "$out/ready"
while :; do sleep 0.05; done
`;

for (const [signal, code] of [["SIGTERM", 75], ["SIGINT", 72], ["SIGHUP", 71]] as const) {
  Deno.test({
    name: `run passes ${signal} to the client and exits with its code; the proxy is gone`,
    ignore: Deno.build.os === "windows",
    async fn() {
      await using home = await createTempHome();
      await home.write(
        ".codex-proxy/config.json",
        JSON.stringify({
          codex: {
            active: "main",
            configs: {
              main: {
                upstreams: [{ base_url: "http://127.0.0.1:9/v1", auth: { auth_token: "k" } }],
              },
            },
          },
        }),
      );
      const toml = await home.write(
        ".codex/config.toml",
        'model_provider = "relay"\n[model_providers.relay]\nbase_url = "https://relay.invalid/v1"\n',
      );
      const before = await Deno.readFile(toml);
      const bin = join(home.dir, "bin");
      await Deno.mkdir(bin);
      await Deno.writeTextFile(join(bin, "codex"), FAKE_CODEX, { mode: 0o755 });
      const out = join(home.dir, "out");
      await Deno.mkdir(out);
      const child = spawnRun(["--port", String(closedPort()), "--", "codex", "exec", "hello"], {
        env: {
          ...home.env,
          CODEX_HOME: join(home.dir, ".codex"),
          PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
          FAKE_CODEX_OUT: out,
        },
        cwd: home.dir,
      });
      const stderr = new Response(child.stderr).text();
      const stdout = new Response(child.stdout).text();
      const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
      await waitFor(() => exists(join(out, "ready")), 60_000);
      child.kill(signal);
      const status = await child.status;
      const err = await stderr;
      await stdout;
      assert.equal(status.code, code, err);
      assert.equal((await Deno.readTextFile(join(out, "got"))).trim(), signal.slice(3));
      const port = startedProxyPort(err);
      assert.ok(port !== undefined, err);
      const args = (await Deno.readTextFile(join(out, "args"))).trim().split("\n");
      assert.deepEqual(args, [
        "-c",
        'model_provider="relay"',
        "-c",
        `model_providers.relay.base_url="http://127.0.0.1:${port}"`,
        "exec",
        "hello",
      ]);
      assert.equal(await isPortClosed(port), true);
      assert.deepEqual(await Deno.readFile(toml), before);
    },
  });
}
