import assert from "node:assert/strict";
import { createTempHome } from "../_fakes/temp_home.ts";
import { detectStaleSwitch, switchedPort } from "../../src/codex/stale_switch.ts";
import { switchOn } from "../../src/codex/switch.ts";
import { closedPort } from "../_fakes/ports.ts";

Deno.test("detectStaleSwitch() finds a switch to a port where nothing answers", async () => {
  await using home = await createTempHome();
  const port = closedPort();
  await switchOn(home.paths, { port });
  const stale = await detectStaleSwitch(home.paths);
  assert.equal(stale?.port, port);
  assert.match(stale!.message, new RegExp(`port ${port} .*nothing answers there`));
  assert.match(stale!.fix, new RegExp(`codex-helper serve --port ${port}`));
  assert.match(stale!.fix, /codex-helper switch-off/);
});

Deno.test("detectStaleSwitch() is quiet while a codex-helper answers", async () => {
  await using home = await createTempHome();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ name: "codex-helper" }),
  );
  await switchOn(home.paths, { port: server.addr.port });
  assert.equal(await detectStaleSwitch(home.paths), undefined);
});

Deno.test("detectStaleSwitch() reports another program on the port", async () => {
  await using home = await createTempHome();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello"),
  );
  await switchOn(home.paths, { port: server.addr.port });
  assert.match((await detectStaleSwitch(home.paths))!.message, /another program answers there/);
});

Deno.test("detectStaleSwitch() ignores configs that are not switched, missing or broken", async () => {
  await using home = await createTempHome();
  assert.equal(await detectStaleSwitch(home.paths), undefined);
  await home.write(".codex/config.toml", `model_provider = "openai"\n`);
  assert.equal(await detectStaleSwitch(home.paths), undefined);
  await home.write(".codex/config.toml", `model_provider = \n`);
  assert.equal(await detectStaleSwitch(home.paths), undefined);
});

Deno.test("switchedPort() reads only loopback codex_proxy URLs", () => {
  const doc = (url: string) => ({
    model_provider: "codex_proxy",
    model_providers: { codex_proxy: { base_url: url } },
  });
  assert.equal(switchedPort(doc("http://127.0.0.1:3211")), 3211);
  assert.equal(switchedPort(doc("http://localhost:4000/v1")), 4000);
  assert.equal(switchedPort(doc("https://api.example.test/v1")), undefined);
  assert.equal(switchedPort({ model_provider: "openai" }), undefined);
});
