/** One poll of a usage provider's balance endpoint. A failed poll is "unknown", never "exhausted". */
import type { HttpJsonProvider, UsageProvider } from "./providers.ts";

/** Default probe timeout. */
export const PROBE_TIMEOUT_MS = 10_000;

/** A poll that read the balance. `budget`/`spent` are absent when the endpoint only gives `remaining`. */
export interface ProbeKnown {
  state: "ok";
  exhausted: boolean;
  budget: number | null;
  spent: number | null;
  remaining: number | null;
  checked_at_ms: number;
}

/** A poll that failed (network, timeout, HTTP status, not JSON, missing field). */
export interface ProbeUnknown {
  state: "unknown";
  /** Why, without the token or the response body. */
  error: string;
  checked_at_ms: number;
}

/** The result of one poll. */
export type ProbeResult = ProbeKnown | ProbeUnknown;

/** Options of {@linkcode probeProvider}. */
export interface ProbeProviderOptions {
  /** Sent as `Authorization: Bearer <token>`; without one the result is unknown. */
  token: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  /** Aborts the poll (e.g. the poller stopping). */
  signal?: AbortSignal;
}

/** Reads a dotted path (`data.items.0.balance`) out of parsed JSON. */
export function readJsonPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (typeof current === "object" && current !== null) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}

const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  // Decimal text only: Number() would also read "0x10" as 16 and "0b1" as 1.
  if (typeof value === "string" && DECIMAL.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

class ProbeFailure extends Error {}

function need(body: unknown, path: string): number {
  const n = toNumber(readJsonPath(body, path));
  if (n === undefined) throw new ProbeFailure(`"${path}" missing or not a number in the response`);
  return n;
}

/** Pure: turns a parsed response body into a known result; throws when fields are missing. */
export function interpretBalance(
  provider: UsageProvider,
  body: unknown,
  checkedAtMs: number,
): ProbeKnown {
  if (provider.kind === "budget_http_json") {
    const budget = need(body, "monthly_budget_usd");
    const spent = need(body, "monthly_spent_usd");
    const exhausted = budget > 0 && spent >= budget;
    return {
      state: "ok",
      exhausted,
      budget,
      spent,
      remaining: budget - spent,
      checked_at_ms: checkedAtMs,
    };
  }
  return interpretHttpJson(provider, body, checkedAtMs);
}

function interpretHttpJson(provider: HttpJsonProvider, body: unknown, at: number): ProbeKnown {
  const threshold = provider.threshold ?? 0;
  if (provider.remaining_path !== undefined) {
    const remaining = need(body, provider.remaining_path);
    const budget = provider.limit_path
      ? toNumber(readJsonPath(body, provider.limit_path))
      : undefined;
    const spent = provider.used_path ? toNumber(readJsonPath(body, provider.used_path)) : undefined;
    return {
      state: "ok",
      exhausted: remaining <= threshold,
      budget: budget ?? null,
      spent: spent ?? null,
      remaining,
      checked_at_ms: at,
    };
  }
  const budget = need(body, provider.limit_path ?? "limit");
  const spent = need(body, provider.used_path ?? "used");
  const remaining = budget - spent;
  return {
    state: "ok",
    exhausted: budget > 0 && remaining <= threshold,
    budget,
    spent,
    remaining,
    checked_at_ms: at,
  };
}

/** GETs the provider's endpoint and interprets the balance. Never throws. */
export async function probeProvider(
  provider: UsageProvider,
  options: ProbeProviderOptions,
): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const unknown = (error: string): ProbeUnknown => ({
    state: "unknown",
    error,
    checked_at_ms: now(),
  });
  if (options.token === undefined) {
    return unknown("no token: set token_env, or give a matching upstream a token");
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await (options.fetch ?? fetch)(provider.endpoint, {
      method: "GET",
      headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) return unknown(`HTTP ${response.status} from the endpoint`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return unknown("the endpoint did not return JSON");
    }
    return interpretBalance(provider, body, now());
  } catch (error) {
    if (timedOut) return unknown(`no answer within ${Math.round(timeoutMs / 100) / 10} s`);
    if (error instanceof ProbeFailure) return unknown(error.message);
    if (options.signal?.aborted) return unknown("poll cancelled");
    const message = error instanceof Error ? error.message : String(error);
    return unknown(`request failed: ${message.slice(0, 200)}`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
