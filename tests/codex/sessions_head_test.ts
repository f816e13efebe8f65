import assert from "node:assert/strict";
import { scanSessionMeta } from "../../src/codex/rollout_head.ts";
import {
  formatPrompt,
  isInjectedContext,
  promptOfCutLine,
  promptOfLine,
} from "../../src/codex/first_prompt.ts";
import { FIXTURE_ROLLOUTS } from "./sessions_rollouts.ts";

const firstLine = (await Deno.readTextFile(FIXTURE_ROLLOUTS[0]!)).split("\n")[0]!;

Deno.test("scanSessionMeta() reads the real session_meta from its first kilobyte", () => {
  const scan = scanSessionMeta(firstLine.slice(0, 1024), { complete: false });
  assert.deepEqual(scan, {
    kind: "meta",
    meta: {
      id: "01a21d1f-203b-73c1-8dc0-eb6939fb72cd",
      cwd: "/home/dev/my-app",
      modelProvider: "mock",
      originator: "codex_exec",
      cliVersion: "0.169.0",
      startedAt: "2026-11-27T13:08:28.871Z",
    },
  });
  assert.deepEqual(scanSessionMeta(firstLine, { complete: true }), scan);
});

Deno.test("scanSessionMeta() asks for more text when the fields are not all there yet", () => {
  assert.deepEqual(scanSessionMeta(firstLine.slice(0, 200), { complete: false }), { kind: "more" });
  const cutInString =
    '{"type":"session_meta","payload":{"id":"abc","base_instructions":{"text":"lo';
  assert.deepEqual(scanSessionMeta(cutInString, { complete: false }), { kind: "more" });
});

Deno.test("scanSessionMeta() finds fields after a long value and decodes escapes", () => {
  const text = JSON.stringify({
    type: "session_meta",
    payload: {
      base_instructions: { text: 'say "hi" \\ {not an object} [x]'.repeat(50) },
      id: "id-1",
      cwd: "C:\\Users\\dev\\app",
      model_provider: "codex-helper",
    },
  });
  const scan = scanSessionMeta(text, { complete: true });
  assert.equal(scan.kind, "meta");
  if (scan.kind !== "meta") return;
  assert.equal(scan.meta.cwd, "C:\\Users\\dev\\app");
  assert.equal(scan.meta.modelProvider, "codex-helper");
  assert.equal(scan.meta.originator, "");
});

Deno.test("scanSessionMeta() rejects other first lines and broken JSON", async (t) => {
  const cases: [string, string][] = [
    ["another record type", '{"type":"response_item","payload":{"id":"x"}}'],
    ["broken JSON", '{"type":"session_meta","payload":{"id" "x"}}'],
    ["a cut line that is complete", '{"type":"session_meta","payload":{"id":"x","cw'],
    ["no id", '{"type":"session_meta","payload":{"cwd":"/p"}}'],
    ["not an object", "[1,2,3]"],
  ];
  for (const [name, text] of cases) {
    await t.step(name, () => {
      assert.equal(scanSessionMeta(text, { complete: true }).kind, "invalid");
    });
  }
});

Deno.test("scanSessionMeta() accepts the oldest format with the metadata at the top level", () => {
  const text = '{"id":"old-1","timestamp":"2025-05-01T10:00:00Z","instructions":null}';
  const scan = scanSessionMeta(text, { complete: true });
  assert.equal(scan.kind === "meta" && scan.meta.id, "old-1");
  assert.equal(scan.kind === "meta" && scan.meta.startedAt, "2025-05-01T10:00:00Z");
});

Deno.test("promptOfLine() skips injected context and reads both formats", async (t) => {
  const lines = (await Deno.readTextFile(FIXTURE_ROLLOUTS[0]!)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  await t.step("the first prompt of the real rollout", () => {
    // paginated history: the response item and the item_completed UserMessage both hold it
    assert.deepEqual(lines.map(promptOfLine).filter((p) => p !== undefined), ["say hi", "say hi"]);
  });
  await t.step("older event_msg user_message", () => {
    const line = { type: "event_msg", payload: { type: "user_message", message: "fix it" } };
    assert.equal(promptOfLine(line), "fix it");
  });
  await t.step("injected user messages", () => {
    for (
      const text of [
        "<environment_context>\n<cwd>/p</cwd>\n</environment_context>",
        "# AGENTS.md instructions for /p\n\n<INSTRUCTIONS>x</INSTRUCTIONS>",
        "<user_instructions>be brief</user_instructions>",
        "<skill>\n<name>x</name>\n</skill>",
        "   ",
      ]
    ) {
      const line = {
        type: "response_item",
        payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
      };
      assert.equal(promptOfLine(line), undefined, text);
    }
  });
  await t.step("very old rollouts: response items at the top level", () => {
    const content = [{ type: "input_text", text: "rename the module" }];
    assert.equal(promptOfLine({ type: "message", role: "user", content }), "rename the module");
    assert.equal(promptOfLine({ type: "message", role: "assistant", content }), undefined);
    assert.equal(promptOfLine({ record_type: "state" }), undefined);
  });
  await t.step("injected context in the same message as the typed prompt", () => {
    const content = [
      { type: "input_text", text: "<environment_context>\n<cwd>/p</cwd>\n</environment_context>" },
      { type: "input_text", text: "fix the build" },
    ];
    const line = { type: "response_item", payload: { type: "message", role: "user", content } };
    assert.equal(promptOfLine(line), "fix the build");
  });
  await t.step("assistant messages and other records", () => {
    assert.equal(
      promptOfLine({
        type: "response_item",
        payload: { type: "message", role: "assistant", content: "x" },
      }),
      undefined,
    );
    assert.equal(promptOfLine(null), undefined);
  });
});

Deno.test("isInjectedContext() keeps prompts that merely mention tags", () => {
  assert.equal(isInjectedContext("why is <environment_context> in my log?"), false);
  assert.equal(isInjectedContext("<div> is not closed"), false);
});

Deno.test("promptOfCutLine() returns the start of a prompt cut by the read bound", () => {
  const line = '{"type":"response_item","payload":{"type":"message","role":"user","content":' +
    '[{"type":"input_text","text":"paste: \\"quoted\\" caf\\u00e9 and more \\u26';
  assert.equal(promptOfCutLine(line), 'paste: "quoted" café and more ');
  const legacy = '{"type":"event_msg","payload":{"type":"user_message","message":"long log\\n';
  assert.equal(promptOfCutLine(legacy), "long log\n");
});

Deno.test("formatPrompt() collapses whitespace and cuts on grapheme boundaries", async (t) => {
  await t.step("whitespace", () => {
    assert.equal(formatPrompt("  fix\n\n the\tbug  "), "fix the bug");
  });
  await t.step("short text is kept whole", () => {
    assert.equal(formatPrompt("x".repeat(80)), "x".repeat(80));
  });
  await t.step("ASCII is cut to 80 with an ellipsis", () => {
    const out = formatPrompt("a".repeat(200));
    assert.equal(out, "a".repeat(79) + "…");
  });
  await t.step("CJK", () => {
    const out = formatPrompt("重构会话列表模块".repeat(20));
    assert.equal([...out].length, 80);
    assert.ok(out.startsWith("重构会话列表模块"));
    assert.ok(out.endsWith("…"));
  });
  await t.step("emoji with joiners and skin tones stay whole", () => {
    const family = "👨‍👩‍👧‍👦";
    const thumbs = "👍🏽";
    const out = formatPrompt((family + thumbs).repeat(60));
    const segments = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(out)]
      .map((s) => s.segment);
    assert.equal(segments.length, 80);
    for (const s of segments.slice(0, -1)) assert.ok(s === family || s === thumbs, s);
  });
});
