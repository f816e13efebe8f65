import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { analyzeCodexConfig } from "../../src/codex/config_toml.ts";
import {
  editSwitchOff,
  editSwitchOn,
  proxyProvider,
  type SwitchOnEdit,
} from "../../src/codex/proxy_provider_edit.ts";
import { CORPUS } from "./config_corpus.ts";

const FILE = "config.toml";
const PROVIDER = proxyProvider(3211);

/** A plain-object copy of the parsed document without our keys. */
function withoutOurs(text: string): unknown {
  const value = JSON.parse(JSON.stringify(parse(text.replace(/^\uFEFF/, "")))) as Record<
    string,
    Record<string, unknown>
  >;
  delete value.model_provider;
  if (value.model_providers !== undefined) {
    delete value.model_providers.codex_proxy;
    if (Object.keys(value.model_providers).length === 0) delete value.model_providers;
  }
  return value;
}

/** The lines of `text` outside the previous model_provider line and codex_proxy pieces. */
function linesOutsideOurSpans(text: string): string[] {
  const layout = analyzeCodexConfig(text, FILE);
  const spans = [...layout.pieces, ...(layout.modelProvider ? [layout.modelProvider.line] : [])];
  let masked = layout.body;
  for (const s of spans.sort((a, b) => b.start - a.start)) {
    masked = masked.slice(0, s.start) + "\u0000".repeat(s.end - s.start) + masked.slice(s.end);
  }
  return masked.split("\n").filter((l) => !l.includes("\u0000"));
}

const OURS =
  /^(model_provider = "codex_proxy".*|\[model_providers\.codex_proxy\]|name = "codex-helper"|base_url = "http:\/\/127\.0\.0\.1:\d+"|wire_api = "responses"|requires_openai_auth = true|model_providers\.codex_proxy\..*|codex_proxy = \{ name = "codex-helper".*|\r?)$/;

function switchOff(on: SwitchOnEdit, text: string) {
  return editSwitchOff(text, {
    file: FILE,
    previousModelProvider: on.previousModelProvider,
    previousPieces: on.previousPieces,
    appended: on.appended,
  });
}

for (const entry of CORPUS) {
  Deno.test(`editSwitchOn() changes only our keys: ${entry.name}`, () => {
    const on = editSwitchOn(entry.text, { file: FILE, provider: PROVIDER });
    const after = parse(on.text.replace(/^\uFEFF/, "")) as Record<string, Record<string, unknown>>;
    assert.equal(after.model_provider, "codex_proxy");
    assert.deepEqual({ ...after.model_providers!.codex_proxy as object }, { ...PROVIDER });
    assert.deepEqual(withoutOurs(on.text), withoutOurs(entry.text));
    // every line outside our spans survives, in order; every new line is ours
    const kept = linesOutsideOurSpans(entry.text);
    const out = on.text.replace(/^\uFEFF/, "").split("\n");
    let i = 0;
    for (const line of out) {
      if (i < kept.length && line === kept[i]) i++;
      else assert.ok(OURS.test(line.replace(/\r$/, "")), `unexpected line ${JSON.stringify(line)}`);
    }
    assert.deepEqual(i, kept.length, "some original lines were lost");
    assert.equal(on.text.startsWith("\uFEFF"), entry.text.startsWith("\uFEFF"));
    if (entry.text.includes("\r\n")) {
      assert.ok(!/[^\r]\n/.test(on.text), "a bare LF in a CRLF file");
    }
    if (entry.text !== "") assert.equal(on.text.endsWith("\n"), entry.text.endsWith("\n"));
    // a root key stays a root key
    assert.ok(analyzeCodexConfig(on.text, FILE).modelProvider !== undefined);
  });

  Deno.test(`editSwitchOn() is idempotent and then only moves the port: ${entry.name}`, () => {
    const on = editSwitchOn(entry.text, { file: FILE, provider: PROVIDER });
    const again = editSwitchOn(on.text, { file: FILE, provider: PROVIDER });
    assert.equal(again.changed, false);
    assert.equal(again.text, on.text);
    const moved = editSwitchOn(on.text, { file: FILE, provider: proxyProvider(4000) });
    assert.equal(moved.text, on.text.replace("http://127.0.0.1:3211", "http://127.0.0.1:4000"));
  });

  Deno.test(`editSwitchOff() restores the original: ${entry.name}`, () => {
    const on = editSwitchOn(entry.text, { file: FILE, provider: PROVIDER });
    const off = switchOff(on, on.text);
    if (entry.regroups) assert.deepEqual(parse(off.text), parse(entry.text));
    else assert.equal(off.text, entry.text);
    assert.deepEqual(off.notes, []);
  });

  Deno.test(`editSwitchOff() keeps a user edit made after switch-on: ${entry.name}`, () => {
    const eol = entry.text.includes("\r\n") ? "\r\n" : "\n";
    const bom = entry.text.startsWith("\uFEFF") ? "\uFEFF" : "";
    const edit = (t: string) => bom + `# edited later${eol}` + t.slice(bom.length);
    const on = editSwitchOn(entry.text, { file: FILE, provider: PROVIDER });
    const off = switchOff(on, edit(on.text));
    if (entry.regroups) {
      assert.deepEqual(parse(off.text.slice(bom.length)), parse(entry.text.slice(bom.length)));
    } else assert.equal(off.text, edit(entry.text));
    assert.ok(off.text.includes("# edited later"));
  });
}

Deno.test("editSwitchOn() adds requires_openai_auth for a ChatGPT login", () => {
  const on = editSwitchOn("", {
    file: FILE,
    provider: proxyProvider(3211, { requiresOpenaiAuth: true }),
  });
  assert.equal(
    on.text,
    `model_provider = "codex_proxy"\n\n[model_providers.codex_proxy]\nname = "codex-helper"\n` +
      `base_url = "http://127.0.0.1:3211"\nwire_api = "responses"\nrequires_openai_auth = true\n`,
  );
});

Deno.test("editSwitchOn() puts model_provider before the first table, not in a multi-line string", () => {
  const text = `a = """\nmodel_provider = "x"\n"""\n[t]\nb = 1\n`;
  const on = editSwitchOn(text, { file: FILE, provider: PROVIDER });
  assert.ok(
    on.text.startsWith(`a = """\nmodel_provider = "x"\n"""\nmodel_provider = "codex_proxy"\n[t]\n`),
  );
  assert.equal(on.previousModelProvider, null);
});

Deno.test("editSwitchOff() leaves a model_provider the user changed since", () => {
  const on = editSwitchOn(`model_provider = "openai"\n`, { file: FILE, provider: PROVIDER });
  const off = switchOff(on, on.text.replace(`"codex_proxy"`, `"azure"`));
  assert.ok(off.text.startsWith(`model_provider = "azure"\n`));
  assert.ok(!off.text.includes("codex_proxy"));
  assert.deepEqual(off.notes.length, 1);
});

Deno.test("analyzeCodexConfig() reports malformed TOML with line and column", async (t) => {
  const cases: [string, string, number][] = [
    ["missing value", `model = "o3"\nmodel_provider =\n`, 2],
    ["unclosed table header", `a = 1\n\n[features\nx = 1\n`, 3],
    ["duplicate key", `a = 1\na = 2\n`, 2],
    ["unterminated string", `a = "x\n`, 1],
  ];
  for (const [name, text, line] of cases) {
    await t.step(name, () => {
      try {
        analyzeCodexConfig(text, "/home/u/.codex/config.toml");
        assert.fail("no error");
      } catch (error) {
        const e = error as { message: string; line: number; hint: string };
        assert.equal(e.line, line);
        assert.ok(e.message.startsWith(`Cannot parse "/home/u/.codex/config.toml": `), e.message);
        assert.ok(/at line \d+, column \d+$/.test(e.message), e.message);
        assert.ok(e.hint.includes("untouched"));
      }
    });
  }
});

Deno.test("analyzeCodexConfig() refuses shapes it cannot extend; inline providers only for an edit", () => {
  assert.throws(
    () => analyzeCodexConfig(`[[model_providers]]\nname = "x"\n`, FILE),
    /line 1, column 1/,
  );
  const inline = `model_providers = { a = { name = "x" } }\n`;
  // Codex reads it: reading it succeeds, adding codex_proxy to it is refused with the place
  assert.deepEqual(analyzeCodexConfig(inline, FILE).inlineProviders, { line: 1, column: 1 });
  assert.throws(
    () => editSwitchOn(inline, { file: FILE, provider: proxyProvider(3211) }),
    /model_providers is one inline table .* at line 1, column 1/,
  );
});
