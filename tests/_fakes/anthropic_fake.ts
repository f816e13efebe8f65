/** Anthropic Messages API replies, written by hand: SSE with `event:` lines, and plain JSON. */

/** Usage as the Messages API reports it in `message_start` (cache parts included). */
export const START_USAGE = {
  input_tokens: 12,
  cache_creation_input_tokens: 30,
  cache_read_input_tokens: 100,
  output_tokens: 1,
};

/** The events of one streamed text reply, as `[event name, data]`. */
export function messageEvents(text: string, model = "claude-sonnet-test"): [string, unknown][] {
  return [
    ["message_start", {
      type: "message_start",
      message: {
        id: "msg_test_1",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: START_USAGE,
      },
    }],
    ["content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }],
    ["ping", { type: "ping" }],
    ["content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text },
    }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 5 },
    }],
    ["message_stop", { type: "message_stop" }],
  ];
}

/** One SSE event block with its `event:` line. */
export function anthropicEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The whole SSE body of a streamed text reply. */
export function messageStream(text: string, model?: string): string {
  return messageEvents(text, model).map(([name, data]) => anthropicEvent(name, data)).join("");
}

/** The non-streaming reply (what Claude Code gets when it repeats a request without `stream`). */
export function messageJson(text: string, model = "claude-sonnet-test"): Record<string, unknown> {
  return {
    id: "msg_test_2",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { ...START_USAGE, output_tokens: 5 },
  };
}

/** An Anthropic error body, e.g. `anthropicError("overloaded_error", "Overloaded")`. */
export function anthropicError(type: string, message: string): Record<string, unknown> {
  return { type: "error", error: { type, message } };
}

/**
 * A Messages API upstream's reply function (for `startFakeUpstream`, which has read the body):
 * `/v1/messages` streams or answers JSON by the body's `stream`, `/v1/messages/count_tokens`
 * counts, `HEAD` answers 200, anything else is 404.
 */
export function anthropicReply(text: string): (req: Request, seen: { body: string }) => Response {
  return (req, seen) => {
    const { pathname } = new URL(req.url);
    if (req.method === "HEAD") return new Response(null, { status: 200 });
    if (req.method !== "POST") return new Response("not found", { status: 404 });
    let stream = false;
    try {
      stream = JSON.parse(seen.body).stream === true;
    } catch { /* not JSON: answer as non-streaming */ }
    if (pathname === "/v1/messages/count_tokens") return Response.json({ input_tokens: 12 });
    if (pathname !== "/v1/messages") return new Response("not found", { status: 404 });
    if (!stream) return Response.json(messageJson(text));
    return new Response(messageStream(text), { headers: { "content-type": "text/event-stream" } });
  };
}
