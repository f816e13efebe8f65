import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { makeRecord, toJsonl } from "../_fakes/request_records.ts";
import { assertNoControl, ESCAPED, HOSTILE } from "../_fakes/hostile_text.ts";

const LOG = ".codex-proxy/logs/requests.jsonl";

Deno.test("usage tail prints a table of the last requests, newest last", async () => {
  await using home = await createTempHome({ TZ: "UTC" });
  const lines = Array.from({ length: 30 }, (_, i) =>
    makeRecord({
      timestamp_ms: Date.UTC(2026, 0, 15, 12, 0, i),
      status_code: i === 29 ? 502 : 200,
      outcome: i === 29 ? "upstream_error" : "completed",
      duration_ms: 1500,
    }));
  await home.write(LOG, toJsonl(lines));
  const r = await runCli(["usage", "tail", "--limit", "3"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split("\n");
  assert.equal(rows.length, 4);
  assert.match(
    rows[0]!,
    /^time\s+config\s+upstream\s+status\s+duration\s+in\s+out\s+reasoning\s+cached\s+total\s+outcome$/,
  );
  assert.match(
    rows[1]!,
    /^2026-01-15 12:00:27\s+packy\s+api\.packycode\.com\s+200\s+1\.5s\s+100\s+20\s+5\s+40\s+120\s+completed$/,
  );
  assert.match(rows[3]!, /12:00:29 .* 502 .* upstream_error$/);
});

Deno.test("usage tail --raw prints stored lines exactly, across a rotation", async () => {
  await using home = await createTempHome();
  const older = JSON.stringify(makeRecord({ timestamp_ms: 1 }));
  const weird = '{"timestamp_ms": 2,  "status_code":200, "extra":"ü"}';
  await home.write(`${LOG}.1`, `${older}\n`);
  await home.write(LOG, `${weird}\nnot json\n`);
  const r = await runCli(["usage", "tail", "--raw", "--limit", "3"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${older}\n${weird}\nnot json\n`);
  const table = await runCli(["usage", "tail"], { env: home.env });
  assert.match(table.stdout, /\(malformed line\)/);
});

Deno.test("usage tail without a log says so; a bad --limit is a usage error", async () => {
  await using home = await createTempHome();
  const r = await runCli(["usage", "tail"], { env: home.env });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /No requests logged yet/);
  // the log's path comes from CODEX_PROXY_HOME: printed escaped, as usage summary prints it
  const env = { ...home.env, CODEX_PROXY_HOME: `${home.dir}/p${HOSTILE}` };
  for (const command of ["tail", "summary"]) {
    const hostile = await runCli(["usage", command], { env });
    assert.equal(hostile.code, 0, hostile.stderr);
    assertNoControl(hostile.stdout, command);
    assert.ok(hostile.stdout.includes(`No requests logged yet (`), hostile.stdout);
    assert.ok(hostile.stdout.includes(`p${ESCAPED}`), hostile.stdout);
  }
  for (const limit of ["-3", "0x10", "1e2", "2.5"]) {
    const bad = await runCli(["usage", "tail", "--limit", limit], { env: home.env });
    assert.equal(bad.code, 2, limit);
    assert.match(bad.stderr, /Invalid --limit ".*": expected a whole number, 0 for all/, limit);
  }
});

Deno.test("usage tail --limit 0 shows every request, as session list --limit 0 does", async () => {
  await using home = await createTempHome({ TZ: "UTC" });
  const lines = Array.from({ length: 25 }, (_, i) => makeRecord({ timestamp_ms: 1000 * i }));
  await home.write(LOG, toJsonl(lines));
  const all = await runCli(["usage", "tail", "--limit", "0"], { env: home.env });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout.trimEnd().split("\n").length, 26);
  const raw = await runCli(["usage", "tail", "--raw", "--limit", "0"], { env: home.env });
  assert.equal(raw.stdout.trimEnd().split("\n").length, 25);
});

Deno.test("usage tail --json prints one JSON object per request and skips malformed lines", async () => {
  await using home = await createTempHome();
  const first = makeRecord({ timestamp_ms: 1, config_name: "a\u001b[2Jb" });
  const second = makeRecord({ timestamp_ms: 2, status_code: 502 });
  await home.write(LOG, `${JSON.stringify(first)}\nnot json\n${JSON.stringify(second)}\n`);
  const r = await runCli(["usage", "tail", "--json"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(out.map((x) => [x.timestamp_ms, x.status_code]), [[1, 200], [2, 502]]);
  assert.equal(out[0].config_name, "a\u001b[2Jb");
  assert.equal(r.stderr, "(1 malformed line(s) skipped)\n");
  const both = await runCli(["usage", "tail", "--json", "--raw"], { env: home.env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /cannot be used with option '--raw'/);
});

Deno.test("usage tail --help shows examples", async () => {
  await using home = await createTempHome();
  const r = await runCli(["usage", "tail", "--help"], { env: home.env });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n\s+codex-helper usage tail/);
});

Deno.test("usage tail and summary: a folder in place of the request log is named in one line", async (t) => {
  for (const command of ["tail", "summary"]) {
    await t.step(command, async () => {
      await using home = await createTempHome();
      await Deno.mkdir(home.paths.requestLog, { recursive: true });
      const r = await runCli(["usage", command], { env: home.env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(
        r.stderr,
        `error: Cannot read "${home.paths.requestLog}": it is a folder, not a file; ` +
          `move the folder out of the way; it was left untouched\n`,
      );
    });
  }
});
