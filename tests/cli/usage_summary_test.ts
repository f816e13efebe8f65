import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";

const LOG = ".codex-proxy/logs/requests.jsonl";

Deno.test("usage summary --json reads rotations, skips and counts malformed lines", async () => {
  await using home = await createTempHome({ TZ: "UTC" });
  await home.write(`${LOG}.5`, toJsonl([makeRecord({ config_name: "old" })]));
  await home.write(
    `${LOG}.2`,
    toJsonl([makeRecord(), "{broken", makeRecord({ status_code: 500, usage: null })]),
  );
  await home.write(LOG, toJsonl([makeRecord({ outcome: "stream_cut" }), "[]", "garbage"]));
  const r = await runCli(["usage", "summary", "--json"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.by, "config");
  assert.equal(s.malformed_lines, 3);
  assert.deepEqual(
    s.rows.map((row: { key: string; requests: number; errors: number; total_tokens: number }) => [
      row.key,
      row.requests,
      row.errors,
      row.total_tokens,
    ]),
    [["packy", 3, 2, 240], ["old", 1, 0, 120]],
  );
});

Deno.test("usage summary --by day --since filters and groups", async () => {
  await using home = await createTempHome({ TZ: "UTC" });
  await home.write(
    LOG,
    toJsonl([
      makeRecord({ timestamp_ms: Date.UTC(2026, 0, 1, 10) }),
      makeRecord({ timestamp_ms: Date.UTC(2026, 0, 2, 10) }),
      makeRecord({ timestamp_ms: Date.UTC(2026, 0, 2, 11) }),
    ]),
  );
  const r = await runCli(["usage", "summary", "--by", "day", "--since", "2026-01-02"], {
    env: home.env,
  });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(
    lines[0]!,
    /^day\s+requests\s+errors\s+input\s+cached\s+output\s+reasoning\s+total\s+median$/,
  );
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^2026-01-02\s+2\s+0\s+200\s+80\s+40\s+10\s+240\s+1\.0s$/);
});

Deno.test("usage summary rejects a bad --since and a bad --by", async () => {
  await using home = await createTempHome();
  const since = await runCli(["usage", "summary", "--since", "soon"], { env: home.env });
  assert.equal(since.code, 2);
  assert.match(since.stderr, /Cannot read --since "soon"/);
  const by = await runCli(["usage", "summary", "--by", "color"], { env: home.env });
  assert.equal(by.code, 2);
  assert.match(by.stderr, /color/);
});

Deno.test("usage summary on an empty log says so as usage tail does, naming the log", async () => {
  await using home = await createTempHome();
  const r = await runCli(["usage", "summary"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  const tail = await runCli(["usage", "tail"], { env: home.env });
  assert.equal(r.stdout, tail.stdout);
  assert.equal(r.stdout, `No requests logged yet (${home.paths.requestLog}).\n`);
});
