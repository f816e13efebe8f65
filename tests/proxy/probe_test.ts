import assert from "node:assert/strict";
import { probeProxy } from "../../src/proxy/probe.ts";
import { STATUS_PATH } from "../../src/proxy/status.ts";
import { closedPort } from "../_fakes/ports.ts";

/** A loopback server on a free port answering with `handler`. */
function serve(handler: (req: Request) => Response | Promise<Response>) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
}

Deno.test("probeProxy() recognises a codex-helper by its status reply", async () => {
  const paths: string[] = [];
  await using server = serve((req) => {
    paths.push(new URL(req.url).pathname);
    return Response.json({ name: "codex-helper", version: "0.1.0" });
  });
  assert.equal(await probeProxy(server.addr.port), "codex-helper");
  assert.deepEqual(paths, [STATUS_PATH]);
});

Deno.test("probeProxy() says 'other' for another program", async (t) => {
  const replies: [string, () => Response][] = [
    ["other JSON", () => Response.json({ name: "something" })],
    ["not JSON", () => new Response("<html></html>")],
    ["an error status", () => Response.json({ name: "codex-helper" }, { status: 500 })],
  ];
  for (const [name, reply] of replies) {
    await t.step(name, async () => {
      await using server = serve(reply);
      assert.equal(await probeProxy(server.addr.port), "other");
    });
  }
});

Deno.test("probeProxy() says 'none' when nothing listens", async () => {
  assert.equal(await probeProxy(closedPort()), "none");
});

Deno.test("probeProxy() uses the injected fetch", async () => {
  const urls: string[] = [];
  const fake = (input: string | URL | Request) => {
    urls.push(String(input));
    return Promise.resolve(Response.json({ name: "codex-helper" }));
  };
  assert.equal(await probeProxy(4321, { fetch: fake as typeof fetch }), "codex-helper");
  assert.deepEqual(urls, [`http://127.0.0.1:4321${STATUS_PATH}`]);
});
