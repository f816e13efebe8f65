import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkCodexAuthFile,
  checkFilterFile,
  checkLogsWritable,
  checkSessionsReadable,
  checkUsageProvidersFile,
} from "../../src/doctor/file_checks.ts";
import { createTempHome } from "../_fakes/temp_home.ts";

Deno.test("checkFilterFile(): absent is fine, valid counts rules", async () => {
  await using home = await createTempHome();
  assert.equal((await checkFilterFile(home.paths.filterJson)).status, "ok");
  await home.write(".codex-proxy/filter.json", '[{"op":"remove","source":"x"}]');
  assert.match((await checkFilterFile(home.paths.filterJson)).message, /1 rule/);
});

Deno.test("checkUsageProvidersFile() never creates the file", async () => {
  await using home = await createTempHome();
  const check = await checkUsageProvidersFile(home.paths.usageProvidersJson);
  assert.equal(check.status, "ok");
  assert.match(check.message, /serve" creates it/);
  await assert.rejects(Deno.stat(home.paths.usageProvidersJson), Deno.errors.NotFound);
});

Deno.test("checkUsageProvidersFile() fails a schema error with the field", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/usage_providers.json", '{"providers": [{"id": 3}]}');
  const check = await checkUsageProvidersFile(home.paths.usageProvidersJson);
  assert.equal(check.status, "fail");
  assert.match(check.message, /Invalid ".*usage_providers\.json"/);
  assert.notEqual(check.hint, "");
});

Deno.test("checkLogsWritable() fails when the logs folder is a file", async () => {
  await using home = await createTempHome();
  await home.write(".codex-proxy/logs", "not a folder");
  const check = await checkLogsWritable(home.paths.logsDir);
  assert.equal(check.status, "fail");
  assert.match(check.message, /is not a folder/);
  assert.match(check.hint, /move it away/);
});

Deno.test("checkLogsWritable() fails a read-only logs folder", {
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
}, async () => {
  await using home = await createTempHome();
  await Deno.mkdir(home.paths.logsDir, { recursive: true });
  await Deno.chmod(home.paths.logsDir, 0o500);
  try {
    const check = await checkLogsWritable(home.paths.logsDir);
    assert.equal(check.status, "fail");
    assert.match(check.hint, /chmod u\+rwx/);
  } finally {
    await Deno.chmod(home.paths.logsDir, 0o700);
  }
});

Deno.test("checkSessionsReadable() fails when sessions cannot be listed", async () => {
  await using home = await createTempHome();
  assert.equal((await checkSessionsReadable(home.paths.codexSessions)).status, "ok");
  await home.write(".codex/sessions", "a file, not a folder");
  const check = await checkSessionsReadable(home.paths.codexSessions);
  assert.equal(check.status, "fail");
  assert.match(check.message, /Cannot read ".*sessions"/);
  assert.match(check.hint, /chmod/);
});

Deno.test("checkCodexAuthFile() wants a ChatGPT login when an upstream passes it through", async () => {
  await using home = await createTempHome();
  const file = home.paths.codexAuthJson;
  const missing = await checkCodexAuthFile(file, { needsLogin: true });
  assert.equal(missing.status, "fail");
  assert.match(missing.hint, /codex login/);
  await home.write(".codex/auth.json", JSON.stringify({ OPENAI_API_KEY: "sk-test-aaaa-111111" }));
  assert.equal((await checkCodexAuthFile(file, { needsLogin: true })).status, "warn");
  const ok = await checkCodexAuthFile(file, { needsLogin: false });
  assert.equal(ok.status, "ok");
  assert.match(ok.message, /an API key \(OPENAI_API_KEY\)/);
  assert.ok(!ok.message.includes("111111"));
  await home.write(".codex/auth.json", JSON.stringify({ auth_mode: "chatgpt", tokens: {} }));
  assert.equal(
    (await checkCodexAuthFile(join(home.dir, ".codex", "auth.json"), { needsLogin: true })).status,
    "ok",
  );
});
