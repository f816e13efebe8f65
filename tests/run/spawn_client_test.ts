import assert from "node:assert/strict";
import { forwardedSignals, spawnClient } from "../../src/run/spawn_client.ts";

const unix = Deno.build.os !== "windows";

Deno.test({
  name: "spawnClient() resolves with the client's exit code and passes the environment",
  ignore: !unix,
  async fn() {
    assert.equal(await spawnClient("sh", { args: ["-c", "exit 0"], env: {} }), 0);
    assert.equal(await spawnClient("sh", { args: ["-c", "exit 3"], env: {} }), 3);
    assert.equal(
      await spawnClient("sh", {
        args: ["-c", 'test "$RUN_TEST_VAR" = yes || exit 9'],
        env: { RUN_TEST_VAR: "yes" },
      }),
      0,
    );
  },
});

Deno.test({
  name: "spawnClient() gives a signal sent to this process to the client",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const ready = `${dir}/ready`;
      const code = spawnClient("sh", {
        args: ["-c", `trap 'exit 42' TERM; : > "${ready}"; while :; do sleep 0.05; done`],
        env: {},
        signals: ["SIGTERM"],
      });
      const end = Date.now() + 30_000;
      while (!(await Deno.stat(ready).then(() => true, () => false))) {
        if (Date.now() > end) throw new Error("client did not start");
        await new Promise((r) => setTimeout(r, 10));
      }
      Deno.kill(Deno.pid, "SIGTERM");
      assert.equal(await code, 42);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("forwardedSignals(): SIGINT, SIGTERM and SIGHUP, SIGINT alone on Windows", () => {
  assert.deepEqual(forwardedSignals("linux"), ["SIGINT", "SIGTERM", "SIGHUP"]);
  assert.deepEqual(forwardedSignals("windows"), ["SIGINT"]);
});
