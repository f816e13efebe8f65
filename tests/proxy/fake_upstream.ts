/** Hand-written fake upstreams and a proxy harness, all on loopback port 0. */
import { join } from "node:path";
import { createHandler, type HandlerOptions } from "../../src/proxy/handler.ts";
import { type ActiveConfig, createStaticConfigSource } from "../../src/proxy/live_config.ts";
import { startServer } from "../../src/proxy/server.ts";
import { createCounters } from "../../src/proxy/status.ts";
import { UpstreamPool } from "../../src/proxy/upstream_pool.ts";
import { declineWebSocket, isWebSocketUpgrade } from "../../src/proxy/websocket.ts";
import { createLedger, type Ledger } from "../../src/usage/ledger.ts";
import type { RequestRecord } from "../../src/usage/log_record.ts";
import { PROXY_DEFAULTS } from "../../src/config/schema.ts";

/** What the fake saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A fake upstream server. */
export interface FakeUpstream extends AsyncDisposable {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Options of {@linkcode startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /**
   * Pass WebSocket upgrades to `reply` too. By default they are declined with 426 (after being
   * recorded in `seen`), as an upstream without WebSocket support should: Codex's built-in
   * `openai` provider then falls back to HTTP at once instead of retrying for seconds.
   */
  passUpgrades?: boolean;
}

/** Starts a fake upstream whose replies come from `reply`. */
export function startFakeUpstream(
  reply: (req: Request, seen: SeenRequest) => Response | Promise<Response>,
  options: FakeUpstreamOptions = {},
): FakeUpstream {
  const seen: SeenRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const entry: SeenRequest = {
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: await req.text(),
    };
    seen.push(entry);
    if (!options.passUpgrades && isWebSocketUpgrade(req)) return declineWebSocket();
    return await reply(req, entry);
  });
  let closed: Promise<void> | undefined;
  const close = () => closed ??= server.shutdown();
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A free loopback port with nothing listening (connection refused). */
export function refusedUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

const enc = new TextEncoder();

/** SSE text of one event. */
export function sse(data: object, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** A complete Responses stream for `text`, with usage. */
export function responsesStream(text: string, id = "resp_1"): string {
  const base = { id, object: "response", model: "mock-model" };
  return [
    sse({ type: "response.created", response: { ...base, status: "in_progress", usage: null } }),
    sse({
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "message", id: "msg_1", role: "assistant", content: [] },
    }),
    sse({
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: text,
    }),
    sse({
      type: "response.output_item.done",
      output_index: 0,
      item: {
        type: "message",
        id: "msg_1",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text, annotations: [] }],
      },
    }),
    sse({
      type: "response.completed",
      response: {
        ...base,
        status: "completed",
        usage: {
          input_tokens: 120,
          input_tokens_details: { cached_tokens: 100 },
          output_tokens: 30,
          output_tokens_details: { reasoning_tokens: 10 },
          total_tokens: 150,
        },
      },
    }),
  ].join("");
}

/** An SSE response from a string or from explicitly pushed chunks. */
export function sseResponse(body: string | ReadableStream<Uint8Array>, status = 200): Response {
  return new Response(typeof body === "string" ? enc.encode(body) : body, {
    status,
    headers: { "content-type": "text/event-stream" },
  });
}

/** A stream the test drives: `push(text)`, `fail()`, `end()`; `cancelled` resolves on abort. */
export function createPushStream(): {
  stream: ReadableStream<Uint8Array>;
  push(text: string): void;
  fail(): void;
  end(): void;
  cancelled: Promise<void>;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let onCancel = () => {};
  const cancelled = new Promise<void>((resolve) => onCancel = resolve);
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => onCancel(),
  });
  return {
    stream,
    push: (text) => controller.enqueue(enc.encode(text)),
    fail: () => controller.error(new Error("cut")),
    end: () => controller.close(),
    cancelled,
  };
}

/** Options of {@linkcode startProxy}. */
export interface ProxyHarnessOptions {
  upstreams: string[];
  settings?: Partial<ActiveConfig["settings"]>;
  service?: "codex" | "claude";
  /** The credential of upstream `i` (default: bearer `sk-test-upstream-<i+1>`). */
  auth?: (i: number) => ActiveConfig["upstreams"][number]["auth"];
  now?: () => number;
  handler?: Partial<HandlerOptions>;
}

/** A proxy on loopback port 0 in front of the given upstreams (bearer `sk-test-upstream-N`). */
export interface ProxyHarness extends AsyncDisposable {
  url: string;
  pool: UpstreamPool;
  ledger: Ledger;
  logPath: string;
  active: ActiveConfig;
  counters: ReturnType<typeof createCounters>;
  /** The log lines written so far (after a flush). */
  records(): Promise<RequestRecord[]>;
  /** Shuts the server down (in-flight streams get `graceMs`, default 2 s) and closes the log. */
  close(graceMs?: number): Promise<void>;
}

/** Starts a proxy harness; use with `await using`. */
export async function startProxy(options: ProxyHarnessOptions): Promise<ProxyHarness> {
  const dir = await Deno.makeTempDir({ prefix: "codex-helper-proxy-" });
  const logPath = join(dir, "requests.jsonl");
  const active: ActiveConfig = {
    service: options.service ?? "codex",
    configName: "test",
    upstreams: options.upstreams.map((baseUrl, i) => ({
      baseUrl,
      auth: options.auth?.(i) ??
        { passthrough: false, bearer: `sk-test-upstream-${i + 1}`, missingEnv: [] },
    })),
    settings: { ...PROXY_DEFAULTS, ...options.settings },
  };
  const now = options.now ?? Date.now;
  const pool = new UpstreamPool(options.upstreams, {
    failureThreshold: active.settings.failure_threshold,
    cooldownMs: active.settings.cooldown_secs * 1000,
    now,
  });
  const ledger = createLedger(logPath);
  const counters = createCounters();
  const cut = new AbortController();
  const handler = createHandler({
    source: createStaticConfigSource(active),
    pool,
    ledger,
    counters,
    now,
    shutdown: cut.signal,
    ...options.handler,
  });
  const server = startServer(handler, { hostname: "127.0.0.1", port: 0, cut });
  let closed: Promise<void> | undefined;
  const close = (graceMs = 2000) =>
    closed ??= (async () => {
      await server.shutdown(graceMs);
      await ledger.close();
    })();
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    pool,
    ledger,
    logPath,
    active,
    counters,
    async records() {
      await ledger.flush();
      const text = await Deno.readTextFile(logPath).catch(() => "");
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    },
    close,
    async [Symbol.asyncDispose]() {
      await close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Waits until `check()` is true, polling; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A `response.created` event (the first event of a Responses stream). */
export const createdEvent = sse({
  type: "response.created",
  response: { id: "resp_1", model: "mock-model", usage: null },
});

/** POSTs `{}` to `<url>/v1/responses` as JSON. */
export function postResponses(url: string): Promise<Response> {
  return fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
}

/** Reads from `reader` until the text received so far contains `needle`; returns that text. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
): Promise<string> {
  const dec = new TextDecoder();
  let text = "";
  while (!text.includes(needle)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before "${needle}"`);
    text += dec.decode(value, { stream: true });
  }
  return text;
}
