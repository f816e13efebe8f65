import assert from "node:assert/strict";
import { parsePosition, parseTags, parseUpstreamFlags } from "../../src/cli/upstream_options.ts";
import { UsageError } from "../../src/errors.ts";

Deno.test("parseUpstreamFlags() builds the upstream and flags plain secrets", () => {
  const r = parseUpstreamFlags({
    baseUrl: "https://x.example.com/v1",
    authTokenEnv: "X_KEY",
    apiKey: "sk-test-key-0001",
    tag: ["region=eu", "note=a=b"],
  });
  assert.deepEqual(r.upstream, {
    base_url: "https://x.example.com/v1",
    auth: { auth_token_env: "X_KEY", api_key: "sk-test-key-0001" },
    tags: { region: "eu", note: "a=b" },
  });
  assert.equal(r.plainSecret, true);
  assert.equal(parseUpstreamFlags({ baseUrl: "http://127.0.0.1:8080" }).plainSecret, false);
});

Deno.test("parseUpstreamFlags() rejects bad input with a usage error", async (t) => {
  const cases: [string, Parameters<typeof parseUpstreamFlags>[0], RegExp][] = [
    // text that is no URL may be a key pasted in the wrong place: it is not repeated
    [
      "not a URL",
      { baseUrl: "example.com" },
      /^Invalid --base-url \(value not shown\): not an http/,
    ],
    ["not a URL, a key", { baseUrl: "sk-test-pasted-1234" }, /^(?!.*sk-test).*not an http/],
    ["ftp URL", { baseUrl: "ftp://x" }, /not an http/],
    ["both token flags", { baseUrl: "https://x", authToken: "t", authTokenEnv: "T" }, /not both/],
    ["both key flags", { baseUrl: "https://x", apiKey: "k", apiKeyEnv: "K" }, /not both/],
    ["bad env name", { baseUrl: "https://x", authTokenEnv: "1BAD" }, /not an environment/],
    ["empty token", { baseUrl: "https://x", authToken: " " }, /--auth-token is empty/],
    ["tag without =", { baseUrl: "https://x", tag: ["region"] }, /expected key=value/],
    ["tag without key", { baseUrl: "https://x", tag: ["=v"] }, /expected key=value/],
  ];
  for (const [name, flags, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => parseUpstreamFlags(flags), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

Deno.test("parsePosition() and parseTags() validate their input", () => {
  assert.equal(parsePosition(undefined), undefined);
  assert.equal(parsePosition("3"), 3);
  for (const bad of ["0", "-1", "1.5", "two"]) assert.throws(() => parsePosition(bad), UsageError);
  assert.deepEqual(parseTags(["a=1", "a=2"]), { a: "2" });
});

Deno.test("parseUpstreamFlags() usage errors carry the fix", async (t) => {
  const cases: [string, Parameters<typeof parseUpstreamFlags>[0], string][] = [
    [
      "both token flags",
      { baseUrl: "https://x", authToken: "t", authTokenEnv: "T" },
      "keep --auth-token-env (the variable's name is stored, never its value) and drop --auth-token",
    ],
    [
      "empty key",
      { baseUrl: "https://x", apiKey: " " },
      "give it a value, or name a variable that holds it with --api-key-env",
    ],
  ];
  for (const [name, flags, hint] of cases) {
    await t.step(name, () => {
      assert.throws(() => parseUpstreamFlags(flags), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.hint, hint);
        return true;
      });
    });
  }
});
