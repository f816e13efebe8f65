import assert from "node:assert/strict";
import { summarizeChecks } from "../../src/doctor/check.ts";
import { checkClaudeSwitch } from "../../src/doctor/claude_checks.ts";
import { checkModelProvider } from "../../src/doctor/codex_checks.ts";
import {
  checkActiveConfig,
  checkFileModes,
  checkUpstreamTokens,
} from "../../src/doctor/config_checks.ts";
import { formatChecksJson, formatChecksText } from "../../src/doctor/format_checks.ts";
import { redactUrl } from "../../src/config/redact_url.ts";
import { createEmptyConfig } from "../../src/config/schema.ts";

Deno.test("redactUrl() drops user info and query values", () => {
  assert.equal(
    redactUrl("https://u:sk-1@relay.example/v1?key=sk-2&x=1"),
    "https://relay.example/v1?key=***&x=***",
  );
  assert.equal(redactUrl("https://relay.example/v1"), "https://relay.example/v1");
  assert.equal(redactUrl("https://relay.example"), "https://relay.example");
  assert.equal(redactUrl("sk-pasted-key-instead"), "(not a URL)");
});

Deno.test("checkModelProvider() tells codex_proxy on a remote host from a local port", () => {
  const remote = checkModelProvider({
    model_provider: "codex_proxy",
    model_providers: { codex_proxy: { base_url: "https://far.example/v1?k=secret" } },
  }, "config.toml");
  assert.equal(remote.status, "warn");
  assert.match(remote.message, /far\.example.*not a local port/);
  assert.ok(!remote.message.includes("secret"));
  assert.equal(checkModelProvider({ model_provider: "openai" }, "c").status, "ok");
  assert.equal(checkModelProvider({ model_provider: 3 }, "c").status, "fail");
});

Deno.test("checkClaudeSwitch() warns about a local proxy codex-helper did not set", () => {
  const check = checkClaudeSwitch({
    status: "unrecorded",
    port: 8080,
    baseUrl: "http://127.0.0.1:8080",
    message: "points at http://127.0.0.1:8080, which codex-helper did not set",
    fix: undefined,
  });
  assert.equal(check.status, "warn");
  assert.match(check.hint, /switch-on --claude --port 8080/);
});

Deno.test("checkActiveConfig() and checkUpstreamTokens() on configs without an active one", () => {
  const config = createEmptyConfig();
  config.claude.configs.a = { name: "a", upstreams: [] };
  const check = checkActiveConfig(config, "claude");
  assert.equal(check.status, "fail");
  assert.match(check.hint, /config set-active --claude NAME" \(one of: a\)/);
  assert.equal(
    checkUpstreamTokens(config, { service: "claude", env: () => undefined }).status,
    "ok",
  );
  config.codex.configs.w = { name: "w", upstreams: [{ base_url: "https://x.example", auth: {} }] };
  config.codex.active = "w";
  const none = checkUpstreamTokens(config, { service: "codex", env: () => undefined });
  assert.equal(none.status, "warn");
  assert.match(none.message, /No credentials for upstream 1/);
});

Deno.test("checkFileModes() flags group/other bits and skips Windows", () => {
  const files = [{ path: "/h/config.json", mode: 0o640 }, { path: "/h/auth.json", mode: 0o600 }, {
    path: "/h/gone",
    mode: undefined,
  }];
  const check = checkFileModes(files, "linux");
  assert.equal(check.status, "warn");
  assert.match(check.message, /"\/h\/config\.json" \(0640\)/);
  assert.ok(!check.message.includes("auth.json"));
  assert.equal(checkFileModes(files, "windows").status, "ok");
});

Deno.test("formatChecksJson() is {checks, summary}; the text shows hints under problems", () => {
  const checks = [
    { id: "a.b", status: "ok" as const, message: "fine", hint: "" },
    { id: "c.d", status: "fail" as const, message: "broken", hint: "do this" },
  ];
  const doc = JSON.parse(formatChecksJson(checks));
  assert.deepEqual(Object.keys(doc), ["checks", "summary"]);
  assert.deepEqual(doc.summary, { ok: 1, warn: 0, fail: 1, total: 2 });
  assert.deepEqual(summarizeChecks(checks), doc.summary);
  const text = formatChecksText(checks).join("\n");
  assert.match(text, /FAIL {2}c\.d {2}broken\n\s+-> do this/);
  assert.match(text, /1 ok, 0 warning\(s\), 1 failed/);
});
