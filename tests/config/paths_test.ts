import assert from "node:assert/strict";
import { join } from "node:path";
import { HomeNotFoundError, resolvePaths } from "../../src/config/paths.ts";

Deno.test("resolvePaths() puts every folder under HOME by default", () => {
  const p = resolvePaths({
    env: (k) => ({ HOME: "/h" } as Record<string, string>)[k],
    os: "linux",
  });
  assert.equal(p.codexConfigToml, join("/h", ".codex", "config.toml"));
  assert.equal(p.claudeSettings, join("/h", ".claude", "settings.json"));
  assert.equal(p.configJson, join("/h", ".codex-proxy", "config.json"));
  assert.equal(p.requestLog, join("/h", ".codex-proxy", "logs", "requests.jsonl"));
  assert.equal(p.codexConfigBackup, join("/h", ".codex", "config.toml.codex-proxy-backup"));
});

Deno.test("resolvePaths() honours CODEX_HOME, CLAUDE_CONFIG_DIR and CODEX_PROXY_HOME", () => {
  const env: Record<string, string> = {
    HOME: "/h",
    CODEX_HOME: "/c",
    CLAUDE_CONFIG_DIR: "/cl",
    CODEX_PROXY_HOME: "/p",
  };
  const p = resolvePaths({ env: (k) => env[k], os: "linux" });
  assert.equal(p.codexHome, "/c");
  assert.equal(p.claudeHome, "/cl");
  assert.equal(p.proxyHome, "/p");
});

Deno.test("resolvePaths() uses USERPROFILE on Windows", () => {
  const env: Record<string, string> = { USERPROFILE: "C:\\Users\\u" };
  const p = resolvePaths({ env: (k) => env[k], os: "windows" });
  assert.equal(p.home, "C:\\Users\\u");
});

Deno.test("resolvePaths() without any home fails with a clear error", () => {
  assert.throws(() => resolvePaths({ env: () => undefined, os: "linux" }), HomeNotFoundError);
});
