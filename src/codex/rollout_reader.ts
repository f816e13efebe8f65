/** Bounded reads of a rollout's head: the `session_meta` and the first prompt, never the whole file. */
import { type MetaScan, scanSessionMeta } from "./rollout_head.ts";
import { mayHoldPrompt, promptOfCutLine, promptOfLine } from "./first_prompt.ts";
import { readRolloutChunks } from "./rollout_source.ts";

/** First read for the metadata; the fields shown sit in the first kilobyte of `session_meta`. */
const META_CHUNK = 4096;
/** The part of the first read decoded first. */
const QUICK_PREFIX = 1024;
/** Give up on a first line longer than this without the metadata. */
const META_LIMIT = 1024 * 1024;
/** How far into a file to look for the first prompt. */
const PROMPT_LIMIT = 2 * 1024 * 1024;

const sharedBuffer = new Uint8Array(META_CHUNK);
const sharedDecoder = new TextDecoder();

/**
 * Reads the `session_meta` at the start of an open rollout, in bounded chunks. Synchronous on
 * purpose: over thousands of small page-cache reads, one syscall each beats a thread-pool hop each.
 */
export function readMetaFromFile(file: Deno.FsFile): MetaScan {
  const scan = readMetaQuick(file);
  if (scan.kind !== "more") return scan;
  file.seekSync(0, Deno.SeekMode.Start);
  return readLongFirstLine(file);
}

/**
 * The fast path: one read of 4 KB from the start of `reader` (a plain file or a decompressing
 * reader), where the shown fields nearly always are; "more" when they were not all there.
 */
export function readMetaQuick(reader: { readSync(p: Uint8Array): number | null }): MetaScan {
  const n = reader.readSync(sharedBuffer);
  if (n === null || n === 0) return { kind: "invalid", reason: "empty file" };
  // Decode a small prefix first: less garbage and less work for 10,000 files.
  for (const size of n > QUICK_PREFIX ? [QUICK_PREFIX, n] : [n]) {
    const head = sharedDecoder.decode(sharedBuffer.subarray(0, size));
    const newline = head.indexOf("\n");
    const scan = newline >= 0
      ? scanSessionMeta(head.slice(0, newline), { complete: true })
      : scanSessionMeta(head, { complete: size === n && n < META_CHUNK });
    if (scan.kind !== "more") return scan;
  }
  return { kind: "more" };
}

function readLongFirstLine(file: Deno.FsFile): MetaScan {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  let read = 0;
  while (read < META_LIMIT) {
    const n = file.readSync(buffer);
    if (n === null || n === 0) return scanSessionMeta(text + decoder.decode(), { complete: true });
    read += n;
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
    const newline = text.indexOf("\n");
    if (newline >= 0) return scanSessionMeta(text.slice(0, newline), { complete: true });
    const scan = scanSessionMeta(text, { complete: false });
    if (scan.kind !== "more") return scan;
  }
  return { kind: "invalid", reason: "first line too long" };
}

/** The thread a forked rollout continues (`session_meta.history_base`). */
export interface HistoryBase {
  threadId: string;
  /** How much of the parent's rollout the fork inherits, when recorded. */
  endByteOffset: number | undefined;
}

/** What {@linkcode readFirstPrompt} found. */
export interface PromptRead {
  prompt: string | undefined;
  /** Lines that looked like a prompt but were not valid JSON. */
  malformedLines: number;
  /** A forked thread: the thread whose history it starts with. */
  historyBase?: HistoryBase;
  /** `session_meta` fields of the first line (when it was parsed). */
  meta?: { originator?: string; cliVersion?: string; startedAt?: string };
}

function metaExtras(value: unknown): PromptRead["meta"] {
  const v = value as { payload?: Record<string, unknown> } | null;
  const p = v?.payload;
  if (!p || typeof p !== "object") return undefined;
  const s = (x: unknown) => typeof x === "string" ? x : undefined;
  const out: NonNullable<PromptRead["meta"]> = {};
  const originator = s(p.originator);
  const cliVersion = s(p.cli_version);
  const startedAt = s(p.timestamp);
  if (originator !== undefined) out.originator = originator;
  if (cliVersion !== undefined) out.cliVersion = cliVersion;
  if (startedAt !== undefined) out.startedAt = startedAt;
  return out;
}

/** `session_meta.history_base` (or `forked_from_id`) of a parsed first line. */
function historyBaseOf(value: unknown): HistoryBase | undefined {
  const payload = (value as { payload?: Record<string, unknown> } | null)?.payload;
  if (!payload || typeof payload !== "object") return undefined;
  const base = payload.history_base as Record<string, unknown> | undefined;
  const threadId = typeof base?.thread_id === "string"
    ? base.thread_id
    : typeof payload.forked_from_id === "string"
    ? payload.forked_from_id
    : undefined;
  if (threadId === undefined) return undefined;
  const end = base?.end_byte_offset;
  return {
    threadId,
    endByteOffset: typeof end === "number" && Number.isSafeInteger(end) && end > 0
      ? end
      : undefined,
  };
}

/** Options of {@linkcode readFirstPrompt}. */
export interface ReadFirstPromptOptions {
  /** Read no further than this many bytes of text (a fork's share of its parent). */
  limit?: number;
}

/**
 * Reads lines after the first one until the user's first prompt, at most ~2 MB of text into the
 * file (a `.zst` rollout is stream-decompressed that far, no further). A partial last line (a
 * session being written) is not an error. A first line of at most 1 MB is parsed for a fork's
 * `history_base`.
 */
export async function readFirstPrompt(
  path: string,
  options: ReadFirstPromptOptions = {},
): Promise<PromptRead> {
  const limit = Math.min(options.limit ?? PROMPT_LIMIT, PROMPT_LIMIT);
  const decoder = new TextDecoder();
  let pending = "";
  let read = 0;
  let lineNo = 0;
  let malformedLines = 0;
  let historyBase: HistoryBase | undefined;
  let meta: PromptRead["meta"];
  let firstTooLong = false;
  const result = (prompt: string | undefined): PromptRead => ({
    prompt,
    malformedLines,
    ...(historyBase === undefined ? {} : { historyBase }),
    ...(meta === undefined ? {} : { meta }),
  });
  const consider = (line: string): string | undefined => {
    if (lineNo++ === 0) {
      if (!firstTooLong) {
        try {
          const first = JSON.parse(line);
          historyBase = historyBaseOf(first);
          meta = metaExtras(first);
        } catch {
          // The metadata line was read before; a broken one was reported then.
        }
      }
      return undefined;
    }
    if (!mayHoldPrompt(line)) return undefined;
    try {
      return promptOfLine(JSON.parse(line));
    } catch {
      malformedLines++;
      return undefined;
    }
  };
  for await (const chunk of readRolloutChunks(path, limit)) {
    const take = read + chunk.length > limit ? chunk.subarray(0, limit - read) : chunk;
    read += take.length;
    pending += decoder.decode(take, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const prompt = consider(pending.slice(0, newline));
      if (prompt !== undefined) return result(prompt);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    // The first line is skipped without keeping more than 1 MB of it in memory.
    if (lineNo === 0 && pending.length > META_LIMIT) {
      pending = pending.slice(-16);
      firstTooLong = true;
    }
    if (read >= limit) break;
  }
  if (pending !== "" && lineNo > 0 && mayHoldPrompt(pending)) {
    if (read >= limit) return result(promptOfCutLine(pending));
    // At the end of the file: a complete last line without "\n", or one still being written.
    try {
      return result(promptOfLine(JSON.parse(pending)));
    } catch {
      return result(promptOfCutLine(pending));
    }
  }
  return result(undefined);
}

/**
 * Reads the `session_meta` at the start of a rollout of either kind, asynchronously: a `.zst`
 * rollout is stream-decompressed only until its first line (at most 1 MB of text).
 */
export async function readMetaFromPath(path: string): Promise<MetaScan> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of readRolloutChunks(path, META_LIMIT)) {
    text += decoder.decode(chunk, { stream: true });
    const newline = text.indexOf("\n");
    if (newline >= 0) return scanSessionMeta(text.slice(0, newline), { complete: true });
    const scan = scanSessionMeta(text, { complete: false });
    if (scan.kind !== "more") return scan;
    if (text.length >= META_LIMIT) return { kind: "invalid", reason: "first line too long" };
  }
  if (text === "") return { kind: "invalid", reason: "empty file" };
  return scanSessionMeta(text + decoder.decode(), { complete: true });
}
