/**
 * A running proxy's `/__codex_helper/status`, fetched and reduced to known fields. Unknown or
 * missing fields are tolerated; URLs lose anything that could be a credential.
 */
import { askProxy, type ProbeProxyOptions, type ProbeResult } from "../proxy/probe.ts";
import { redactUrl } from "../config/redact_url.ts";

/** One upstream's live state. */
export interface LiveUpstream {
  base_url: string;
  state: string | null;
  consecutive_failures: number | null;
  cooldown_remaining_ms: number | null;
  usage_exhausted: boolean | null;
  requests: number | null;
  failures: number | null;
}

/** A usage provider's last poll as the proxy reports it. */
export interface LiveProvider {
  id: string;
  kind: string | null;
  exhausted_upstreams: string[];
  /** The last poll (`state` "ok" or "unknown"), or null before the first one. */
  last: Record<string, string | number | boolean | null> | null;
  last_known: Record<string, string | number | boolean | null> | null;
}

/** The reduced status document. */
export interface LiveStatus {
  service: string | null;
  version: string | null;
  pid: number | null;
  port: number | null;
  uptime_secs: number | null;
  active_config: string | null;
  upstreams: LiveUpstream[];
  providers: LiveProvider[];
  counters: Record<string, number>;
}

/** Who answers on a port and, for a codex-helper, its live status. */
export interface PortAnswer {
  found: ProbeResult;
  live: LiveStatus | null;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Control characters (terminal escapes, newlines) a reply could smuggle into the output. */
const CONTROL = /\p{Cc}/gu;

/** A reply's text made safe to print on one line, and kept short. */
function clean(text: string): string {
  return text.slice(0, 300).replace(CONTROL, "?");
}

function str(value: unknown): string | null {
  return typeof value === "string" ? clean(value) : null;
}

const RESULT_FIELDS = [
  "state",
  "exhausted",
  "budget",
  "spent",
  "remaining",
  "error",
  "checked_at_ms",
] as const;

function pickResult(value: unknown): LiveProvider["last"] {
  if (!isObject(value)) return null;
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of RESULT_FIELDS) {
    const v = value[key];
    if (typeof v === "boolean" || num(v) !== null) out[key] = v as boolean | number;
    else if (typeof v === "string") out[key] = clean(v);
  }
  return out;
}

/** Reduces the status JSON to the fields `status` shows. */
export function parseLiveStatus(body: Obj): LiveStatus {
  const upstreams = Array.isArray(body.upstreams) ? body.upstreams.filter(isObject) : [];
  const providers = Array.isArray(body.providers) ? body.providers.filter(isObject) : [];
  const counters: Record<string, number> = {};
  if (isObject(body.counters)) {
    for (const [k, v] of Object.entries(body.counters)) {
      if (num(v) !== null) counters[clean(k)] = v as number;
    }
  }
  return {
    service: str(body.service),
    version: str(body.version),
    pid: num(body.pid),
    port: num(body.port),
    uptime_secs: num(body.uptime_secs),
    active_config: str(body.active_config),
    upstreams: upstreams.map((u) => ({
      base_url: typeof u.base_url === "string" ? clean(redactUrl(u.base_url)) : "(unknown)",
      state: str(u.state),
      consecutive_failures: num(u.consecutive_failures),
      cooldown_remaining_ms: num(u.cooldown_remaining_ms),
      usage_exhausted: typeof u.usage_exhausted === "boolean" ? u.usage_exhausted : null,
      requests: num(u.requests),
      failures: num(u.failures),
    })),
    providers: providers.map((p) => ({
      id: str(p.id) ?? "(unnamed)",
      kind: str(p.kind),
      exhausted_upstreams: Array.isArray(p.exhausted_upstreams)
        ? p.exhausted_upstreams.filter((x): x is string => typeof x === "string").map((x) =>
          clean(redactUrl(x))
        )
        : [],
      last: pickResult(p.last),
      last_known: pickResult(p.last_known),
    })),
    counters,
  };
}

/** `GET http://127.0.0.1:<port>/__codex_helper/status`: who answers, and the status when it is ours. */
export async function fetchLiveStatus(
  port: number,
  options: ProbeProxyOptions = {},
): Promise<PortAnswer> {
  const { found, body } = await askProxy(port, options);
  return { found, live: body ? parseLiveStatus(body) : null };
}
