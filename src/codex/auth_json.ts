/** Reading Codex's `auth.json` (never written by codex-helper). */
import { readTextIfExists } from "../fs/atomic_write.ts";
import { parseJsonText } from "../fs/json_file.ts";

/** What codex-helper needs to know of `auth.json`. */
export interface CodexAuth {
  /** Every top-level string field, e.g. `OPENAI_API_KEY`. */
  fields: Record<string, string>;
  /** Names of the non-empty `*_API_KEY` fields. */
  apiKeyFields: string[];
  /**
   * True when the file holds a ChatGPT login: `tokens`, and `auth_mode` "chatgpt" (written by
   * recent Codex versions) or, without `auth_mode`, no API key.
   */
  chatgptLogin: boolean;
}

/** Interprets parsed auth.json. */
export function parseCodexAuth(value: unknown): CodexAuth {
  const fields: Record<string, string> = {};
  let hasTokens = false;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === "string") fields[key] = v;
      if (key === "tokens" && typeof v === "object" && v !== null) hasTokens = true;
    }
  }
  const apiKeyFields = Object.keys(fields).filter((k) =>
    k.endsWith("_API_KEY") && fields[k]!.trim() !== ""
  );
  const mode = fields.auth_mode;
  const chatgptLogin = hasTokens &&
    (mode === "chatgpt" || (mode === undefined && apiKeyFields.length === 0));
  return { fields, apiKeyFields, chatgptLogin };
}

/** Reads auth.json; `undefined` when it does not exist; throws with line/column when broken. */
export async function readCodexAuth(path: string): Promise<CodexAuth | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  return parseCodexAuth(parseJsonText(text, path));
}
