/** Finds the user's first real prompt among rollout lines (both rollout formats), and shortens it. */

/** Openings of the context Codex injects as "user" messages; these are not the user's prompt. */
const INJECTED_PREFIXES = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions",
  "<skill>",
  "<user_shell_command>",
  "<turn_aborted>",
  "<subagent_notification>",
  "<permissions instructions>",
  "<collaboration_mode>",
  "<apps_instructions>",
  "<skills_instructions>",
  "<developer_instructions>",
];
/** A message that is a single `<tag>...</tag>` element is injected context too. */
const WRAPPED_ELEMENT = /^<([a-z_][a-z0-9_ -]*)>[\s\S]*<\/\1>$/;

/** True when a user-role text is context Codex injected rather than something the user typed. */
export function isInjectedContext(text: string): boolean {
  const trimmed = text.trim();
  return INJECTED_PREFIXES.some((p) => trimmed.startsWith(p)) || WRAPPED_ELEMENT.test(trimmed);
}

interface RolloutLine {
  type?: unknown;
  payload?: {
    type?: unknown;
    role?: unknown;
    message?: unknown;
    content?: unknown;
    item?: { type?: unknown; content?: unknown };
    internal_chat_message_metadata_passthrough?: { content_item_kinds?: unknown };
  };
}

function messageText(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === "string" ? content : "";
  return content
    .filter((c): c is { text: string } => typeof c?.text === "string" && c.type !== "output_text")
    .map((c) => c.text)
    // Injected context may share a message with what the user typed: keep only the typed part.
    .filter((text) => !isInjectedContext(text))
    .join(" ");
}

/** True when Codex tagged every content item of the message as not typed by the user. */
function taggedAsInjected(kinds: unknown): boolean {
  return Array.isArray(kinds) && kinds.length > 0 &&
    kinds.every((k) => typeof k === "string" && !k.startsWith("user."));
}

/**
 * The user's prompt in one parsed rollout line, or undefined when the line is not one: an `event_msg`
 * `user_message` (older Codex), an `item_completed` `UserMessage` (paginated history) or a
 * `response_item` user message that is not injected context.
 */
export function promptOfLine(value: unknown): string | undefined {
  const raw = value as RolloutLine | null;
  // Very old rollouts wrote response items at the top level, without "type"/"payload".
  const line = raw?.type === "message"
    ? { type: "response_item", payload: raw } as RolloutLine
    : raw;
  const payload = line?.payload;
  if (!payload || typeof payload !== "object") return undefined;
  let text: string | undefined;
  if (line.type === "event_msg" && payload.type === "user_message") {
    text = typeof payload.message === "string" ? payload.message : undefined;
  } else if (
    line.type === "event_msg" && payload.type === "item_completed" &&
    payload.item?.type === "UserMessage"
  ) {
    // Paginated history (Codex 0.16x+): the typed text under item.content[].text.
    text = messageText(payload.item.content);
  } else if (
    line.type === "response_item" && payload.type === "message" && payload.role === "user" &&
    !taggedAsInjected(payload.internal_chat_message_metadata_passthrough?.content_item_kinds)
  ) {
    text = messageText(payload.content);
  }
  if (text === undefined || text.trim() === "" || isInjectedContext(text)) return undefined;
  return text;
}

/** Quick test on raw text before parsing: could this line hold the user's prompt? */
export function mayHoldPrompt(line: string): boolean {
  return line.includes('"user_message"') || line.includes('"UserMessage"') ||
    /"role"\s*:\s*"user"/.test(line);
}

/**
 * The prompt of a line cut short by the read bound: the leading part of its first text value.
 * Returns undefined when the cut line shows no such text.
 */
export function promptOfCutLine(line: string): string | undefined {
  const isLegacy = /"type"\s*:\s*"user_message"/.test(line);
  const key = isLegacy ? /"message"\s*:\s*"/ : /"text"\s*:\s*"/;
  const match = key.exec(line);
  if (!match) return undefined;
  const rest = line.slice(match.index + match[0].length);
  const body = /^(?:[^"\\]|\\.)*/.exec(rest)?.[0] ?? "";
  // Drop a trailing escape cut in half, then decode what is left.
  const safe = body.replace(/\\(u[0-9a-fA-F]{0,3})?$/, "");
  try {
    const text = JSON.parse(`"${safe}"`) as string;
    return text.trim() === "" || isInjectedContext(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Collapses whitespace and cuts to `max` characters (graphemes, so CJK and emoji stay whole),
 * ending with "…" when cut.
 * @example formatPrompt("fix  the\n bug") // "fix the bug"
 */
export function formatPrompt(text: string, max = 80): string {
  const collapsed = text.replace(/\s+/g, " ").trim();
  if (collapsed.length <= max) return collapsed;
  const out: string[] = [];
  for (const { segment } of segmenter.segment(collapsed)) {
    if (out.length === max) return out.slice(0, max - 1).join("").trimEnd() + "…";
    out.push(segment);
  }
  return out.join("");
}
