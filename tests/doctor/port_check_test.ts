import assert from "node:assert/strict";
import { checkProxyPort } from "../../src/doctor/port_check.ts";
import { deadPort, startFakeStatusServer } from "../status/fake_status_server.ts";

Deno.test("checkProxyPort() passes a free port", async () => {
  const port = deadPort();
  const check = await checkProxyPort(port, { service: "codex" });
  assert.equal(check.status, "ok");
  assert.match(check.message, new RegExp(`Port ${port} is free`));
  assert.equal(check.id, "codex.port");
});

Deno.test("checkProxyPort() passes a port held by codex-helper", async () => {
  await using server = startFakeStatusServer();
  const check = await checkProxyPort(server.port, { service: "claude" });
  assert.equal(check.status, "ok");
  assert.equal(check.id, "claude.port");
  assert.match(check.message, /already serves/);
});

Deno.test("checkProxyPort() fails a port held by another program and names the way out", async () => {
  await using server = startFakeStatusServer(() => ({ hello: "world" }));
  const check = await checkProxyPort(server.port, { service: "claude" });
  assert.equal(check.status, "fail");
  assert.match(check.message, /held by another program/);
  assert.match(check.hint, /serve --claude --port <port>.*switch-on --claude --port <port>/);
});
