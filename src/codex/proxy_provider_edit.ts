/** The switch-on and switch-off edits of `config.toml`, text -> text (no I/O). */
import { isDeepStrictEqual } from "node:util";
import {
  analyzeCodexConfig,
  applyEdits,
  type CodexConfigLayout,
  type Edit,
  insertLineEdit,
  type PieceContext,
  PROXY_PROVIDER_ID,
  removeLinesEdit,
  type TomlPiece,
  withBom,
} from "./config_toml.ts";

/** The provider table codex-helper writes. */
export interface ProxyProvider {
  name: string;
  base_url: string;
  wire_api: string;
  requires_openai_auth?: boolean;
}

/** Builds the provider table for `port`. */
export function proxyProvider(
  port: number,
  options: { requiresOpenaiAuth?: boolean } = {},
): ProxyProvider {
  return {
    name: "codex-helper",
    base_url: `http://127.0.0.1:${port}`,
    wire_api: "responses",
    ...(options.requiresOpenaiAuth ? { requires_openai_auth: true } : {}),
  };
}

function entries(provider: ProxyProvider): [string, string][] {
  return Object.entries(provider).map(([k, v]) => [k, JSON.stringify(v)]);
}

/** The provider written in the given form, without a final line break. */
export function formatProvider(
  provider: ProxyProvider,
  context: PieceContext,
  eol: string,
): string {
  const kv = entries(provider);
  if (context === "model_providers") {
    return `${PROXY_PROVIDER_ID} = { ${kv.map(([k, v]) => `${k} = ${v}`).join(", ")} }`;
  }
  if (context === "root") {
    return kv.map(([k, v]) => `model_providers.${PROXY_PROVIDER_ID}.${k} = ${v}`).join(eol);
  }
  return [`[model_providers.${PROXY_PROVIDER_ID}]`, ...kv.map(([k, v]) => `${k} = ${v}`)].join(eol);
}

/** What switch-on did to the text. */
export interface SwitchOnEdit {
  text: string;
  changed: boolean;
  /** Source text of the previous `model_provider` value, or `null` when absent. */
  previousModelProvider: string | null;
  previousPieces: TomlPiece[];
  /** When the table was appended: the text before it and after it (to remove it exactly). */
  appended: { before: string; after: string } | undefined;
}

const QUOTED_ID = JSON.stringify(PROXY_PROVIDER_ID);

/** Points `model_provider` at `codex_proxy` and writes the provider table; validates the result. */
export function editSwitchOn(
  text: string,
  options: { file: string; provider: ProxyProvider },
): SwitchOnEdit {
  const layout = analyzeCodexConfig(text, options.file);
  const { body, eol } = layout;
  const edits: Edit[] = [];
  const mp = layout.modelProvider;
  if (mp === undefined) {
    edits.push(insertLineEdit(body, layout.rootEnd, `model_provider = ${QUOTED_ID}`, eol));
  } else if (mp.current !== PROXY_PROVIDER_ID) {
    edits.push({ ...mp.value, insert: QUOTED_ID });
  }
  let appended: SwitchOnEdit["appended"];
  const [first, ...rest] = layout.pieces;
  if (first === undefined) {
    const block = formatProvider(options.provider, "table", eol);
    const finalEol = body === "" || body.endsWith("\n");
    const before = body === ""
      ? eol
      : finalEol
      ? (body.endsWith(`\n${eol}`) || body === eol ? "" : eol)
      : eol + eol;
    const after = finalEol ? eol : "";
    appended = { before, after };
    edits.push({ start: body.length, end: body.length, insert: before + block + after });
  } else {
    const block = formatProvider(options.provider, first.context, eol);
    if (body.slice(first.start, first.end) !== block) edits.push({ ...first, insert: block });
    for (const piece of rest) edits.push(removeLinesEdit(body, piece));
  }
  const out = applyEdits(body, edits);
  checkSwitchedOn(out, options);
  return {
    text: withBom(layout, out),
    changed: edits.length > 0,
    previousModelProvider: mp === undefined ? null : mp.raw,
    previousPieces: layout.pieces.map((p) => ({
      context: p.context,
      text: body.slice(p.start, p.end),
    })),
    appended,
  };
}

function checkSwitchedOn(body: string, options: { file: string; provider: ProxyProvider }): void {
  const value = analyzeCodexConfig(body, options.file).value;
  const providers = value.model_providers as Record<string, object> | undefined;
  const written = providers?.[PROXY_PROVIDER_ID];
  // smol-toml tables have a null prototype: compare own entries
  if (
    value.model_provider !== PROXY_PROVIDER_ID || written === undefined ||
    !isDeepStrictEqual({ ...written }, { ...options.provider })
  ) {
    throw new Error(`Switch-on produced an unexpected "${options.file}"; nothing was written`);
  }
}

/** What switch-on recorded, as switch-off needs it. */
export interface SwitchOffInput {
  file: string;
  previousModelProvider: string | null;
  previousPieces: TomlPiece[];
  appended: { before: string; after: string } | undefined;
}

/** What switch-off did to the text. */
export interface SwitchOffEdit {
  text: string;
  changed: boolean;
  /** Things the user changed since switch-on that were left as they are. */
  notes: string[];
}

function placement(layout: CodexConfigLayout, piece: TomlPiece): Edit {
  const { body, eol } = layout;
  if (piece.context === "root") return insertLineEdit(body, layout.rootEnd, piece.text, eol);
  if (piece.context === "model_providers" && layout.providersTableEnd !== undefined) {
    return insertLineEdit(body, layout.providersTableEnd, piece.text, eol);
  }
  const text = piece.context === "model_providers"
    ? `[model_providers]${eol}${piece.text}`
    : piece.text;
  const finalEol = body === "" || body.endsWith("\n");
  return {
    start: body.length,
    end: body.length,
    insert: (finalEol ? (body === "" ? "" : eol) : eol + eol) + text + (finalEol ? eol : ""),
  };
}

/** Restores the previous `model_provider` and `codex_proxy` provider, keeping every other edit. */
export function editSwitchOff(text: string, input: SwitchOffInput): SwitchOffEdit {
  const layout = analyzeCodexConfig(text, input.file);
  const { body } = layout;
  const edits: Edit[] = [];
  const notes: string[] = [];
  const mp = layout.modelProvider;
  let removedLine: Edit | undefined;
  if (mp !== undefined && mp.current === PROXY_PROVIDER_ID) {
    if (input.previousModelProvider === null) {
      edits.push(removedLine = removeLinesEdit(body, mp.line));
    } else edits.push({ ...mp.value, insert: input.previousModelProvider });
  } else if (mp !== undefined) {
    notes.push(`"model_provider" was changed to ${mp.raw} since switch-on; left as it is`);
  } else if (input.previousModelProvider !== null) {
    notes.push(`"model_provider" was removed since switch-on; left out`);
  }
  const [first, ...rest] = layout.pieces;
  const [previous, ...previousRest] = input.previousPieces;
  if (first !== undefined) {
    const app = input.appended;
    if (previous !== undefined && previous.context === first.context) {
      // pieces of the same form go back together, in their order
      const together = input.previousPieces.filter((p) => p.context === first.context);
      edits.push({ ...first, insert: together.map((p) => p.text).join(layout.eol) });
    } else if (
      app !== undefined && first.context === "table" && body.startsWith(app.after, first.end) &&
      body.slice(0, first.start).endsWith(app.before)
    ) {
      // the table switch-on appended, with the blank line it added before it
      const start = first.start - app.before.length;
      if (removedLine !== undefined && removedLine.end > start) {
        // our model_provider line is the last root line: take the line break before it instead
        Object.assign(removedLine, removeLinesEdit(body.slice(0, start), mp!.line));
      }
      edits.push({ start, end: first.end + app.after.length, insert: "" });
    } else if (first.context === "table" && body.slice(first.end).trim() === "") {
      // a table at the end: drop the blank line before it too
      const blank = body.slice(0, first.start).match(/(\r?\n)\r?\n$/);
      edits.push({ start: first.start - (blank?.[1]?.length ?? 0), end: body.length, insert: "" });
    } else {
      edits.push(removeLinesEdit(body, first));
    }
    for (const piece of rest) edits.push(removeLinesEdit(body, piece));
  }
  const restore =
    previous !== undefined && (first === undefined || previous.context !== first.context)
      ? input.previousPieces
      : previousRest.filter((p) => p.context !== first?.context);
  const out = applyEdits(body, edits);
  let result = out;
  if (restore.length > 0) {
    let current = analyzeCodexConfig(out, input.file);
    for (const piece of restore) {
      result = applyEdits(current.body, [placement(current, piece)]);
      current = analyzeCodexConfig(result, input.file);
    }
  } else {
    analyzeCodexConfig(result, input.file);
  }
  return { text: withBom(layout, result), changed: result !== body, notes };
}
