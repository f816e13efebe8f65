/** What codex-helper says about Codex profiles, checked against the real Codex CLI. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { codexInstalled, runCodex } from "../_fakes/codex_cli.ts";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";
import { responsesStream, sseResponse, startFakeUpstream } from "../proxy/fake_upstream.ts";
import { codexLegacyProfileError } from "../../src/codex/profile_warnings.ts";

function provider(id: string, url: string): string {
  return [
    `[model_providers.${id}]`,
    `name = "${id}"`,
    `base_url = "${url}/v1"`,
    `wire_api = "responses"`,
    `env_key = "TEST_KEY"`,
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
  ].join("\n");
}

function codexExec(home: TempHome, args: string[]) {
  return runCodex(["exec", "--skip-git-repo-check", ...args, "say hello"], {
    home: home.dir,
    codexHome: join(home.dir, ".codex"),
    env: { TEST_KEY: "sk-test-profile-client" },
  });
}

function replying(text: string) {
  return startFakeUpstream((req) =>
    new URL(req.url).pathname.endsWith("/responses")
      ? sseResponse(responsesStream(text))
      : new Response("not found", { status: 404 })
  );
}

Deno.test({
  name: "a legacy profile line: Codex refuses to start, and doctor quotes its message as a FAIL",
  ignore: !codexInstalled,
  async fn() {
    await using home = await createTempHome();
    await home.write(
      ".codex/config.toml",
      `profile = "fast"\nmodel_provider = "p"\n\n${provider("p", "http://127.0.0.1:9")}`,
    );
    const codex = await codexExec(home, []);
    assert.equal(codex.code, 1, codex.stderr);
    assert.ok(codex.stderr.includes(codexLegacyProfileError("fast")), codex.stderr);
    const doctor = await runCli(["doctor"], { env: home.env });
    assert.equal(doctor.code, 1);
    assert.ok(
      doctor.stdout.includes(`Codex does not start ("${codexLegacyProfileError("fast")}")`),
      doctor.stdout,
    );
    assert.match(doctor.stdout, /FAIL {2}codex\.legacy_profiles/);
  },
});

Deno.test({
  name: "a [profiles.x] table: Codex ignores it and --profile x fails, as doctor says",
  ignore: !codexInstalled,
  async fn() {
    await using home = await createTempHome();
    await home.write(
      ".codex/config.toml",
      `model_provider = "p"\n\n${
        provider("p", "http://127.0.0.1:9")
      }\n[profiles.work]\nmodel = "o3"\n`,
    );
    const codex = await codexExec(home, ["--profile", "work"]);
    assert.equal(codex.code, 1, codex.stderr);
    assert.match(codex.stderr, /--profile `work` cannot be used while .* contains legacy/);
    const doctor = await runCli(["doctor"], { env: home.env });
    assert.match(
      doctor.stdout,
      /WARN {2}codex\.legacy_profiles +\[profiles\.work\] in ".*" is a legacy profile: Codex ignores it, and "codex --profile work" fails/,
    );
  },
});

Deno.test({
  name:
    "a profile file with its own model_provider bypasses the proxy, as switch-on, status and doctor say",
  ignore: !codexInstalled,
  async fn() {
    await using proxy = replying("via the proxy");
    await using direct = replying("straight to the relay");
    await using home = await createTempHome();
    const proxyPort = new URL(proxy.url).port;
    await home.write(".codex/config.toml", `model = "mock-model"\n`);
    await home.write(
      ".codex/fast.config.toml",
      `model_provider = "relay"\n\n${provider("relay", direct.url)}`,
    );
    const on = await runCli(["switch-on", "--port", proxyPort], { env: home.env });
    assert.equal(on.code, 0, on.stderr);
    const bypass =
      /profile "fast" \(".*fast\.config\.toml"\) sets model_provider = "relay": "codex --profile fast" bypasses codex-helper/;
    assert.match(on.stderr, new RegExp(`warning: ${bypass.source}; delete model_provider`));
    const status = await runCli(["status"], { env: home.env });
    assert.match(status.stdout, new RegExp(`problem: ${bypass.source}`));
    const doctor = await runCli(["doctor"], { env: home.env });
    assert.match(doctor.stdout, new RegExp(`WARN {2}codex\\.profiles +${bypass.source}`));

    // the real Codex: without the profile through codex-helper's port, with it straight past it
    const plain = await codexExec(home, [
      "-c",
      "model_providers.codex_proxy.request_max_retries=0",
      "-c",
      "model_providers.codex_proxy.stream_max_retries=0",
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /via the proxy/);
    const profiled = await codexExec(home, ["--profile", "fast"]);
    assert.equal(profiled.code, 0, profiled.stderr);
    assert.match(profiled.stdout, /straight to the relay/);
    assert.equal(direct.seen.filter((s) => s.path === "/v1/responses").length, 1);
  },
});
