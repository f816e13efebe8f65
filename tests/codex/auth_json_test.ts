import assert from "node:assert/strict";
import { parseCodexAuth } from "../../src/codex/auth_json.ts";

Deno.test("parseCodexAuth() tells an API key from a ChatGPT login", async (t) => {
  const cases: { name: string; value: unknown; keys: string[]; chatgpt: boolean }[] = [
    {
      name: "codex login --with-api-key",
      value: { auth_mode: "apikey", OPENAI_API_KEY: "sk-test-1" },
      keys: ["OPENAI_API_KEY"],
      chatgpt: false,
    },
    {
      name: "ChatGPT login, key null",
      value: { OPENAI_API_KEY: null, tokens: { access_token: "x" } },
      keys: [],
      chatgpt: true,
    },
    {
      name: "ChatGPT login with an exchanged key",
      value: { auth_mode: "chatgpt", OPENAI_API_KEY: "sk-test-2", tokens: {} },
      keys: ["OPENAI_API_KEY"],
      chatgpt: true,
    },
    {
      name: "old file with tokens and a key, no auth_mode",
      value: { OPENAI_API_KEY: "sk-test-3", tokens: {} },
      keys: ["OPENAI_API_KEY"],
      chatgpt: false,
    },
    { name: "empty key ignored", value: { X_API_KEY: " " }, keys: [], chatgpt: false },
    { name: "not an object", value: [1], keys: [], chatgpt: false },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const auth = parseCodexAuth(c.value);
      assert.deepEqual(auth.apiKeyFields, c.keys);
      assert.equal(auth.chatgptLogin, c.chatgpt);
    });
  }
});
