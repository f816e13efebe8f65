import assert from "node:assert/strict";
import { runCli } from "../_fakes/run_cli.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { bareContext } from "../_fakes/cli_context.ts";

Deno.test("command-line mistakes are one line ending in the --help hint, exit code 2", async (t) => {
  const cases: { args: string[]; line: string }[] = [
    {
      args: ["--verbos"],
      line: "error: unknown option '--verbos' (Did you mean --verbose?); run with --help for usage",
    },
    {
      args: ["usage", "summary", "--by", "nothing"],
      line: "error: option '--by <group>' argument 'nothing' is invalid. Allowed choices are " +
        "config, upstream, model, day; run with --help for usage",
    },
    {
      args: ["config", "lst"],
      line: "error: unknown command 'lst' (Did you mean list?); run with --help for usage",
    },
  ];
  for (const c of cases) {
    await t.step(c.args.join(" "), async () => {
      await using home = await createTempHome();
      const r = await runCli(c.args, { env: home.env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `${c.line}\n`);
      assert.equal(r.stdout, "");
    });
  }
});

const SECRET_URL = "https://user:sk-test-pw-1234@relay.example/v1?key=sk-test-query-5678";

Deno.test("command-line errors never echo a credential typed on the command line", async (t) => {
  const cases: { args: string[]; shows: RegExp }[] = [
    {
      args: ["config", "add", "w", "--base-url", "https://relay.example/v1", "x", SECRET_URL],
      shows: /too many arguments .*https:\/\/relay\.example\/v1\?key=\*\*\*/,
    },
    {
      args: [
        "config",
        "add",
        "w",
        "--base-url",
        "https://relay.example/v1",
        "--tag",
        SECRET_URL.split("?")[0]!,
      ],
      shows: /Invalid --tag "https:\/\/relay\.example\/v1"/,
    },
    {
      args: ["config", "add", "w", "--base-url", SECRET_URL.replace("https", "ftp")],
      shows: /Invalid --base-url "ftp:\/\/relay\.example\/v1\?key=\*\*\*": not an http\(s\) URL/,
    },
    {
      args: ["config", "add", "w", "--base-url", "sk-test-pasted-key-9999"],
      shows: /Invalid --base-url \(value not shown\)/,
    },
    { args: ["usage", "tail", "--limit", SECRET_URL], shows: /--limit "https:\/\/relay\.example/ },
    { args: ["serve", "--port", SECRET_URL], shows: /--port "https:\/\/relay\.example/ },
    { args: ["config", "remove", SECRET_URL], shows: /https:\/\/relay\.example\/v1\?key=\*\*\*/ },
  ];
  for (const c of cases) {
    await t.step(c.args.slice(0, 2).join(" ") + " " + c.args.at(-2), async () => {
      await using home = await createTempHome();
      const r = await runCli(c.args, { env: home.env });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, c.shows);
      assert.doesNotMatch(r.stdout + r.stderr, /sk-test-/);
    });
  }
});

Deno.test("help <command> <subcommand> shows the subcommand's help", async () => {
  await using home = await createTempHome();
  const r = await runCli(["help", "config", "add"], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: codex-helper config add \[options\] <name>/);
  const nested = await runCli(["--verbose", "help", "usage", "tail"], { env: home.env });
  assert.match(nested.stdout, /^Usage: codex-helper usage tail/);
  const unknown = await runCli(["help", "config", "ad"], { env: home.env });
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    "error: unknown command 'ad' (Did you mean add?); run with --help for usage\n",
  );
});

Deno.test("--verbose prints an error once, followed by its stack frames", async () => {
  await using home = await createTempHome();
  const r = await runCli(["--verbose", "config", "remove", "nope"], { env: home.env });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.split("nope").length - 1, 1, r.stderr);
  const [first, ...rest] = r.stderr.trimEnd().split("\n");
  assert.match(first!, /^error: No codex config named "nope"/);
  assert.ok(rest.length > 0 && rest.every((line) => /^\s+at /.test(line)), r.stderr);
});

Deno.test("--limit and --port read alike in every command, with one message", async (t) => {
  await using home = await createTempHome();
  const limit = (value: string) =>
    `error: Invalid --limit "${value}": expected a whole number, 0 for all; ` +
    "e.g. --limit 20, or --limit 0 for all\n";
  for (const args of [["usage", "tail"], ["session", "list", "--all"]]) {
    await t.step(args.join(" "), async () => {
      for (const bad of ["-1", "1e3", "0x10", " 5", "x"]) {
        const r = await runCli([...args, "--limit", bad], { env: home.env });
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr, limit(bad));
      }
      const all = await runCli([...args, "--limit", "0"], { env: home.env });
      assert.doesNotMatch(all.stderr, /--limit/);
    });
  }
  const range = (value: string) => `Invalid --port "${value}": expected a number from 1 to 65535`;
  for (const args of [["serve"], ["switch-on"], ["switch-on", "--claude"]]) {
    await t.step(args.join(" "), async () => {
      for (const bad of ["65536", "0x10", "1e3", "-1", ""]) {
        const r = await runCli([...args, "--port", bad], { env: home.env });
        assert.equal(r.code, 2, r.stderr);
        assert.ok(r.stderr.startsWith(`error: ${range(bad)}; e.g. --port 3211`), r.stderr);
      }
    });
  }
  const zero = await runCli(["switch-on", "--port", "0"], { env: home.env });
  assert.equal(zero.stderr, `error: ${range("0")}; e.g. --port 3211\n`);
});

Deno.test("the config help names exactly the subcommands that take --claude", async () => {
  const { createProgram } = await import("../../src/cli/program.ts");
  const program = createProgram(bareContext());
  const config = program.commands.find((c) => c.name() === "config")!;
  const taking = config.commands.filter((c) => c.options.some((o) => o.long === "--claude"))
    .map((c) => c.name());
  await using home = await createTempHome();
  const help = (await runCli(["config", "--help"], { env: home.env })).stdout.replace(/\s+/g, " ");
  assert.ok(help.includes(`--claude (${taking.join(", ")}) acts on Claude Code's configs`), help);
  const root = (await runCli(["--help"], { env: home.env })).stdout.replace(/\s+/g, " ");
  const top = program.commands.filter((c) => c.options.some((o) => o.long === "--claude"))
    .map((c) => c.name());
  assert.ok(
    root.includes(`--claude (${top.join(", ")} and config ${taking.join(", ")}) acts on Claude`),
    root,
  );
  // every other subcommand refuses the flag
  for (const c of config.commands.filter((c) => !taking.includes(c.name()))) {
    const r = await runCli(["config", c.name(), "--claude"], { env: home.env });
    assert.equal(r.code, 2, c.name());
    assert.match(r.stderr, /unknown option '--claude'/);
  }
});

Deno.test("every help's examples line up: one column for descriptions, two spaces before it", async () => {
  const { createProgram } = await import("../../src/cli/program.ts");
  const program = createProgram(bareContext());
  type Cmd = typeof program;
  const all = (c: Cmd): Cmd[] => [c, ...c.commands.flatMap(all)];
  let checked = 0;
  for (const command of all(program)) {
    let help = "";
    command.configureOutput({ writeOut: (s) => void (help += s), writeErr: () => {} });
    command.outputHelp();
    const block = /\nExamples:\n((?: {2}.*\n?)+)/.exec(help)?.[1];
    if (block === undefined) continue;
    const lines = block.split("\n").filter((l) => l.startsWith("  codex-helper "));
    const columns = new Set<number>();
    for (const line of lines) {
      const gap = /^( {2}\S.*?\S)( {2,})\S/.exec(line);
      if (gap) columns.add(gap[1]!.length + gap[2]!.length);
    }
    const name = command.name();
    assert.ok(columns.size <= 1, `${name}: descriptions start at columns ${[...columns]}`);
    const [column] = [...columns];
    for (const line of lines) {
      if (column === undefined || /\S {2,}\S/.test(line.trim())) continue;
      // a command without description ends before the column (a pipeline may run past it)
      assert.ok(
        line.length < column || /[|>]/.test(line),
        `${name}: "${line}" runs into its description`,
      );
    }
    checked++;
  }
  assert.ok(checked > 10, `only ${checked} helps with examples`);
});
