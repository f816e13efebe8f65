import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { assertNoControl, ESCAPED, HOSTILE } from "../_fakes/hostile_text.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";

Deno.test("text output escapes control characters read from config, logs and settings", async (t) => {
  await using home = await createTempHome({ TZ: "UTC" });
  await home.write(
    ".codex-proxy/config.json",
    JSON.stringify({
      codex: {
        active: `w${HOSTILE}`,
        configs: {
          [`w${HOSTILE}`]: {
            name: `w${HOSTILE}`,
            alias: `a${HOSTILE}`,
            upstreams: [{
              base_url: "https://relay.example/v1",
              auth: { auth_token_env: "K" },
              tags: { [`t${HOSTILE}`]: `v${HOSTILE}` },
            }],
          },
        },
      },
    }),
  );
  await home.write(
    ".codex-proxy/logs/requests.jsonl",
    toJsonl([makeRecord({ config_name: `c${HOSTILE}`, outcome: `o${HOSTILE}` as "completed" })]),
  );
  await home.write(
    ".codex-proxy/usage_providers.json",
    JSON.stringify({
      providers: [{
        id: `p${HOSTILE}`,
        kind: "budget_http_json",
        domains: ["relay.example"],
        endpoint: "http://127.0.0.1:9/info",
        token_env: "",
      }],
    }),
  );
  // TOML strings spell control characters as \uXXXX escapes
  const toml = JSON.stringify(`m${HOSTILE}`).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  await home.write(".codex/config.toml", `model_provider = ${toml}\n`);
  await home.write(".codex/fast.config.toml", `model_provider = ${toml.replace("m", "f")}\n`);
  const runs: [string, string[], string][] = [
    ["config list", ["config", "list"], `w${ESCAPED}`],
    ["usage tail", ["usage", "tail"], `c${ESCAPED}`],
    ["usage summary", ["usage", "summary"], `c${ESCAPED}`],
    ["usage quota", ["usage", "quota"], `p${ESCAPED}`],
    ["status", ["status"], `w${ESCAPED}`],
    ["doctor", ["doctor"], `m${ESCAPED}`],
    ["switch-on", ["switch-on", "--port", "9"], `f${ESCAPED}`],
  ];
  for (const [name, args, shown] of runs) {
    await t.step(name, async () => {
      const r = await runCli(args, { env: home.env });
      assertNoControl(r.stdout, `${name} stdout`);
      assertNoControl(r.stderr, `${name} stderr`);
      assert.ok((r.stdout + r.stderr).includes(shown), r.stdout + r.stderr);
    });
  }
});
