import assert from "node:assert/strict";
import { join } from "node:path";
import { Command, Option } from "commander";
import { createProgram } from "../../src/cli/program.ts";
import { bareContext } from "../_fakes/cli_context.ts";
import { formatCompletionScript } from "../../src/cli/completion_script.ts";
import { readCompletionTree } from "../../src/cli/completion_tree.ts";
import { VERSION } from "../../src/version.ts";
import { createTempHome } from "../_fakes/temp_home.ts";
import { runCli } from "../_fakes/run_cli.ts";

const isWindows = Deno.build.os === "windows";

function hasShell(name: string): boolean {
  if (isWindows) return false; // `bash` there may be WSL's, outside the test's control
  try {
    const out = new Deno.Command(name, { args: ["-c", "exit 0"], stdout: "null", stderr: "null" })
      .outputSync();
    return out.success;
  } catch {
    return false;
  }
}

const HAS_BASH = hasShell("bash");
const HAS_ZSH = hasShell("zsh");
const HAS_FISH = hasShell("fish");

/** A tree three levels deep with aliases, value options and choices. */
function sampleProgram(): Command {
  const program = new Command("tool").option("--verbose", "chatty");
  const group = program.command("group").alias("g").description("a group: of things");
  const sub = group.command("sub").description("it's nested");
  sub.command("leaf").description("the leaf").option("--port <n>", "port");
  group.command("other").addOption(
    new Option("-f, --format <fmt>", "output format").choices(["json", "text"]),
  );
  return program;
}

async function withScript<T>(script: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-completion-" });
  try {
    const file = join(dir, "script");
    await Deno.writeTextFile(file, script);
    return await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sources the bash script and completes `words` (the last one is the word under the cursor). */
async function completeInBash(script: string, words: string[]): Promise<string[]> {
  return await withScript(script, async (file) => {
    const driver = `source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=()
fn=$(complete -p "$1" | sed -E 's/.* -F ([^ ]+) .*/\\1/')
"$fn"; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = await new Deno.Command("bash", {
      args: ["--norc", "--noprofile", "-c", driver, "driver", file, ...words],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
  });
}

async function shellParses(shell: string, script: string): Promise<string> {
  return await withScript(script, async (file) => {
    const out = await new Deno.Command(shell, { args: ["-n", file], stderr: "piped" }).output();
    return out.success ? "" : new TextDecoder().decode(out.stderr) || `exit ${out.code}`;
  });
}

Deno.test("readCompletionTree() reads subcommands, aliases, options and choices at every level", () => {
  const tree = readCompletionTree(sampleProgram());
  const group = tree.commands.find((c) => c.name === "group");
  assert.ok(group);
  assert.deepEqual(group.aliases, ["g"]);
  assert.deepEqual(group.commands.map((c) => c.name), ["sub", "other", "help"]);
  const leaf = group.commands[0]?.commands.find((c) => c.name === "leaf");
  assert.deepEqual(leaf?.options.find((o) => o.names.includes("--port"))?.takesValue, true);
  const other = group.commands.find((c) => c.name === "other");
  assert.deepEqual(other?.options[0], {
    names: ["-f", "--format"],
    description: "output format",
    takesValue: true,
    choices: ["json", "text"],
  });
  // the implicit help command completes its siblings
  assert.deepEqual(tree.commands.find((c) => c.name === "help")?.argumentChoices, ["group"]);
});

Deno.test({
  name: "bash completion walks nested commands, aliases and option values",
  ignore: !HAS_BASH,
  async fn(t) {
    const script = formatCompletionScript(sampleProgram(), "bash");
    assert.equal(await shellParses("bash", script), "");
    const cases: [string[], string[]][] = [
      [["tool", "gr"], ["group"]],
      [["tool", "group", ""], ["sub", "other", "help"]],
      [["tool", "g", "sub", ""], ["leaf", "help"]],
      [["tool", "--verbose", "group", "sub", "leaf", "--p"], ["--port"]],
      [["tool", "group", "other", "--format", ""], ["json", "text"]],
      [["tool", "group", "other", "-f", "j"], ["json"]],
      [["tool", "group", "sub", "leaf", "--port", "80", "--"], ["--port", "--help"]],
    ];
    for (const [words, expected] of cases) {
      await t.step(words.join(" "), async () => {
        assert.deepEqual(await completeInBash(script, words), expected);
      });
    }
  },
});

Deno.test({
  name: "codex-helper completions bash parses and completes the live command tree",
  ignore: !HAS_BASH,
  async fn() {
    await using home = await createTempHome();
    const result = await runCli(["completions", "bash"], { env: home.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await shellParses("bash", result.stdout), "");
    assert.deepEqual(await completeInBash(result.stdout, ["codex-helper", "con"]), ["config"]);
    const config = createProgram(bareContext()).commands.find((c) => c.name() === "config");
    assert.ok(config);
    const expected = [...config.commands.map((c) => c.name()), "help"];
    assert.ok(expected.includes("list"));
    assert.deepEqual(await completeInBash(result.stdout, ["codex-helper", "config", ""]), expected);
    assert.deepEqual(
      await completeInBash(result.stdout, ["codex-helper", "completions", "p"]),
      ["powershell"],
    );
  },
});

Deno.test({
  name: "bash completion offers no codex-helper option after --, where the words are the client's",
  ignore: !HAS_BASH,
  async fn() {
    const script = formatCompletionScript(createProgram(bareContext()), "bash");
    const complete = (...words: string[]) => completeInBash(script, ["codex-helper", ...words]);
    assert.deepEqual(await complete("run", "--c"), ["--claude", "--config"]);
    assert.deepEqual(await complete("run", "--", "codex", "exec", "--c"), []);
    assert.deepEqual(await complete("run", "--port", "3211", "--", "--"), []);
    assert.deepEqual(await complete("session", "resume", "--last", "--", "--"), []);
    assert.deepEqual(await complete("session", "resume", "--p"), ["--path", "--port"]);
  },
});

Deno.test("zsh, fish and PowerShell completion stop at -- too", () => {
  const program = createProgram(bareContext());
  assert.match(formatCompletionScript(program, "zsh"), /\n\s+--\) _files; return ;;\n/);
  assert.match(formatCompletionScript(program, "fish"), /case '--'\n\s+echo '\(after --\)'/);
  assert.match(
    formatCompletionScript(program, "powershell"),
    /if \(\$word -eq '--'\) \{ return \}/,
  );
});

Deno.test({
  name: "codex-helper completions zsh parses in zsh",
  ignore: !HAS_ZSH, // zsh is not installed everywhere; bash covers the completion logic
  async fn() {
    const script = formatCompletionScript(createProgram(bareContext()), "zsh");
    assert.match(script, /^#compdef codex-helper/);
    assert.match(script, /'config:manage configs/);
    assert.equal(await shellParses("zsh", script), "");
  },
});

Deno.test({
  name: "codex-helper completions fish parses and completes in fish",
  ignore: !HAS_FISH, // fish is not installed everywhere; bash covers the completion logic
  async fn() {
    const script = formatCompletionScript(sampleProgram(), "fish");
    assert.equal(await shellParses("fish", script), "");
    const complete = (line: string) =>
      withScript(script, async (file) => {
        const out = await new Deno.Command("fish", {
          args: ["--no-config", "-c", `source ${file}; complete -C '${line}'`],
          stdout: "piped",
        }).output();
        return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "")
          .map((l) => l.split("\t")[0]);
      });
    assert.deepEqual(await complete("tool gr"), ["group"]);
    assert.deepEqual((await complete("tool g sub ")).sort(), ["help", "leaf"]);
    assert.deepEqual((await complete("tool group other --format ")).sort(), ["json", "text"]);
  },
});

Deno.test("completion scripts quote descriptions for their shell", async (t) => {
  const program = sampleProgram();
  await t.step("powershell doubles single quotes and lists every command", () => {
    const script = formatCompletionScript(program, "powershell");
    assert.match(script, /Register-ArgumentCompleter -Native -CommandName @\('tool', 'tool.exe'\)/);
    assert.match(script, /Tip = 'it''s nested'/);
    assert.match(script, /'group sub leaf' = @\{/);
    assert.match(script, /'g' = 'group'/);
  });
  await t.step("powershell keeps hashtable keys unique ignoring case", () => {
    const cased = new Command("tool")
      .addOption(new Option("-f <a>", "lower").choices(["x"]))
      .addOption(new Option("-F <b>", "upper").choices(["y"]));
    const script = formatCompletionScript(cased, "powershell");
    assert.match(script, /Values = @\{ '-f' = @\('x'\) \}/);
  });
  await t.step("fish escapes single quotes", () => {
    assert.match(formatCompletionScript(program, "fish"), /-d 'it\\'s nested'/);
  });
  await t.step("zsh escapes nothing it does not need to", () => {
    assert.match(formatCompletionScript(program, "zsh"), /'group:a group: of things'/);
  });
});

Deno.test("codex-helper completions rejects an unknown shell with exit code 2", async () => {
  await using home = await createTempHome();
  const result = await runCli(["completions", "tcsh"], { env: home.env });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /bash, zsh, fish, powershell/);
});

Deno.test("codex-helper --version prints the version from deno.json", async () => {
  await using home = await createTempHome();
  const denoJson = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const result = await runCli(["--version"], { env: home.env });
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), denoJson.version);
  assert.equal(VERSION, denoJson.version);
});
