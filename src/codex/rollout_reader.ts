/** Bounded reads of a rollout's head: the `session_meta` and the first prompt, never the whole file. */
import { type MetaScan, scanSessionMeta } from "./rollout_head.ts";
import { mayHoldPrompt, promptOfCutLine, promptOfLine } from "./first_prompt.ts";

/** First read for the metadata; the fields shown sit in the first kilobyte of `session_meta`. */
const META_CHUNK = 4096;
/** The part of the first read decoded first. */
const QUICK_PREFIX = 1024;
/** Give up on a first line longer than this without the metadata. */
const META_LIMIT = 1024 * 1024;
/** How far into a file to look for the first prompt. */
const PROMPT_LIMIT = 2 * 1024 * 1024;
const PROMPT_CHUNK = 64 * 1024;

const sharedBuffer = new Uint8Array(META_CHUNK);
const sharedDecoder = new TextDecoder();

/**
 * Reads the `session_meta` at the start of an open rollout, in bounded chunks. Synchronous on
 * purpose: over thousands of small page-cache reads, one syscall each beats a thread-pool hop each.
 */
export function readMetaFromFile(file: Deno.FsFile): MetaScan {
  // Fast path: the fields sit in the first kilobyte, so one read of 4 KB nearly always does.
  const n = file.readSync(sharedBuffer);
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
  file.seekSync(0, Deno.SeekMode.Start);
  return readLongFirstLine(file);
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

/** What {@linkcode readFirstPrompt} found. */
export interface PromptRead {
  prompt: string | undefined;
  /** Lines that looked like a prompt but were not valid JSON. */
  malformedLines: number;
}

/**
 * Reads lines after the first one until the user's first prompt, at most ~2 MB into the file.
 * A partial last line (a session being written) is not an error.
 */
export async function readFirstPrompt(path: string): Promise<PromptRead> {
  using file = await Deno.open(path);
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(PROMPT_CHUNK);
  let pending = "";
  let read = 0;
  let lineNo = 0;
  let malformedLines = 0;
  const consider = (line: string): string | undefined => {
    if (lineNo++ === 0 || !mayHoldPrompt(line)) return undefined;
    try {
      return promptOfLine(JSON.parse(line));
    } catch {
      malformedLines++;
      return undefined;
    }
  };
  while (read < PROMPT_LIMIT) {
    const n = await file.read(buffer);
    if (n === null) break;
    read += n;
    pending += decoder.decode(buffer.subarray(0, n), { stream: true });
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const prompt = consider(pending.slice(0, newline));
      if (prompt !== undefined) return { prompt, malformedLines };
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    // The first line is skipped without keeping it all in memory.
    if (lineNo === 0 && pending.length > PROMPT_CHUNK) pending = pending.slice(-16);
  }
  if (pending !== "" && lineNo > 0 && mayHoldPrompt(pending)) {
    if (read >= PROMPT_LIMIT) return { prompt: promptOfCutLine(pending), malformedLines };
    // At the end of the file: a complete last line without "\n", or one still being written.
    try {
      return { prompt: promptOfLine(JSON.parse(pending)), malformedLines };
    } catch {
      return { prompt: promptOfCutLine(pending), malformedLines };
    }
  }
  return { prompt: undefined, malformedLines };
}
