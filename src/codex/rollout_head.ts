/**
 * Reads a rollout's `session_meta` from the start of its first line without parsing the whole line:
 * the first line carries ~21 KB of instructions, but the fields shown sit in its first kilobyte.
 */

/** The `session_meta` fields `session list` shows. */
export interface SessionMeta {
  id: string;
  cwd: string;
  modelProvider: string;
  originator: string;
  cliVersion: string;
  /** When the session started (ISO 8601), as recorded. */
  startedAt: string;
}

/** The outcome of {@linkcode scanSessionMeta}: found, need more text, or not a session. */
export type MetaScan =
  | { kind: "meta"; meta: SessionMeta }
  | { kind: "more" }
  | { kind: "invalid"; reason: string };

const PAYLOAD_KEYS: Record<string, keyof SessionMeta> = {
  id: "id",
  cwd: "cwd",
  model_provider: "modelProvider",
  originator: "originator",
  cli_version: "cliVersion",
  timestamp: "startedAt",
};
const WANTED = Object.keys(PAYLOAD_KEYS).length;

class NeedMore extends Error {}
class Malformed extends Error {}

/** A forward-only cursor over possibly truncated JSON text. */
class Cursor {
  i = 0;
  constructor(readonly text: string, readonly complete: boolean) {}
  ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.i++;
    }
    this.end();
  }
  end(): never | void {
    if (this.i >= this.text.length) throw this.complete ? new Malformed() : new NeedMore();
  }
  expect(ch: string): void {
    this.ws();
    if (this.text[this.i] !== ch) throw new Malformed();
    this.i++;
  }
  /** Returns the raw string literal (with quotes) at the cursor. */
  string(): string {
    this.ws();
    const t = this.text;
    if (t[this.i] !== '"') throw new Malformed();
    const start = this.i;
    let j = this.i + 1;
    for (;;) {
      const q = t.indexOf('"', j);
      if (q < 0) {
        this.i = t.length;
        this.end();
      }
      let backslashes = 0;
      while (t.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) {
        this.i = q + 1;
        return t.slice(start, q + 1);
      }
      j = q + 1;
    }
  }
  skipValue(): void {
    this.ws();
    const t = this.text;
    const c = t[this.i];
    if (c === '"') {
      this.string();
      return;
    }
    if (c === "{" || c === "[") {
      let depth = 0;
      while (this.i < t.length) {
        const ch = t[this.i];
        if (ch === '"') {
          this.string();
          continue;
        }
        if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") {
          depth--;
          if (depth === 0) {
            this.i++;
            return;
          }
        }
        this.i++;
      }
      this.end();
    }
    while (this.i < t.length && !",}] \t\r\n".includes(t[this.i]!)) this.i++;
    this.end();
  }
  /** After a value: true if another member follows, false at the object's end. */
  next(): boolean {
    this.ws();
    const c = this.text[this.i++];
    if (c === ",") return true;
    if (c === "}") return false;
    throw new Malformed();
  }
}

/** Decodes a key (short-lived, so a cheap slice of the head text will do). */
function decodeKey(raw: string): string {
  return raw.includes("\\") ? JSON.parse(raw) as string : raw.slice(1, -1);
}

/** Decodes a kept value into a string of its own: a slice would keep the whole head alive. */
function decodeValue(raw: string): string {
  return JSON.parse(raw) as string;
}

/** Reads the wanted members of the object at the cursor; stops early once all are found. */
function scanObject(cur: Cursor, into: Partial<SessionMeta>, nested: boolean): number {
  let found = 0;
  cur.expect("{");
  cur.ws();
  if (cur.text[cur.i] === "}") return found;
  do {
    const key = decodeKey(cur.string());
    cur.expect(":");
    const field = PAYLOAD_KEYS[key];
    cur.ws();
    if (field && cur.text[cur.i] === '"' && into[field] === undefined) {
      into[field] = decodeValue(cur.string());
      if (++found === WANTED && nested) return found;
    } else cur.skipValue();
  } while (cur.next());
  return found;
}

/**
 * Scans the start of a rollout's first line for its `session_meta`. `complete` says whether `text`
 * holds the whole line (otherwise running out of text asks for more).
 * @example scanSessionMeta('{"type":"session_meta","payload":{"id":"x","cwd":"/p"', { complete: false })
 */
export function scanSessionMeta(text: string, options: { complete: boolean }): MetaScan {
  const cur = new Cursor(text, options.complete);
  const top: Partial<SessionMeta> = {};
  const payload: Partial<SessionMeta> = {};
  let type: string | undefined;
  let sawPayload = false;
  try {
    cur.expect("{");
    cur.ws();
    if (cur.text[cur.i] !== "}") {
      do {
        const key = decodeKey(cur.string());
        cur.expect(":");
        cur.ws();
        if (key === "type" && cur.text[cur.i] === '"') {
          type = decodeKey(cur.string());
          if (type !== "session_meta") {
            return { kind: "invalid", reason: `first line is "${type}"` };
          }
        } else if (key === "payload" && cur.text[cur.i] === "{") {
          sawPayload = true;
          if (scanObject(cur, payload, true) === WANTED && type !== undefined) break;
        } else if (!sawPayload && PAYLOAD_KEYS[key] && cur.text[cur.i] === '"') {
          top[PAYLOAD_KEYS[key]] = decodeValue(cur.string());
        } else cur.skipValue();
      } while (cur.next());
    }
  } catch (error) {
    if (error instanceof NeedMore) return { kind: "more" };
    if (error instanceof Malformed || error instanceof SyntaxError) {
      return { kind: "invalid", reason: "first line is not valid JSON" };
    }
    throw error;
  }
  // Very old rollouts put the metadata at the top level, without "type"/"payload".
  const source = sawPayload ? payload : type === undefined ? top : payload;
  if (!source.id) return { kind: "invalid", reason: "session_meta has no id" };
  return {
    kind: "meta",
    meta: {
      id: source.id,
      cwd: source.cwd ?? "",
      modelProvider: source.modelProvider ?? "",
      originator: source.originator ?? "",
      cliVersion: source.cliVersion ?? "",
      startedAt: source.startedAt ?? top.startedAt ?? "",
    },
  };
}
