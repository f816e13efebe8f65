/** One line of `~/.codex-proxy/logs/requests.jsonl`. Field names are a stable contract. */

/** Token counts of one request. */
export interface UsageCounts {
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  /** Appended field: cached input tokens (Responses `input_tokens_details.cached_tokens`). */
  cached_input_tokens?: number;
  /** Anthropic cache accounting, when present. */
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/**
 * How a request ended: `completed` (the whole reply, or its terminal event, reached the client),
 * `stream_cut` / `stream_stalled` (the upstream broke off or went quiet mid-reply),
 * `client_aborted` (the client left before the reply's end), `upstream_error` (the upstream's
 * reply was an error, as a status or as a failed terminal event), `proxy_error` (refused or
 * failed here), `shutdown` (the proxy stopped mid-reply).
 */
export type Outcome =
  | "completed"
  | "stream_cut"
  | "stream_stalled"
  | "client_aborted"
  | "upstream_error"
  | "proxy_error"
  | "shutdown";

/** One upstream attempt of a request. */
export interface AttemptRecord {
  upstream_base_url: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** One client request, written as one JSON line. Never a key, never a body. */
export interface RequestRecord {
  timestamp_ms: number;
  service: "codex" | "claude";
  method: string;
  path: string;
  status_code: number;
  duration_ms: number;
  config_name: string | null;
  upstream_base_url: string | null;
  usage: UsageCounts | null;
  model?: string | null;
  ttfb_ms?: number | null;
  outcome?: Outcome;
  /** Appended field: why the request did not complete (an error code or message), else null. */
  error?: string | null;
  attempts?: AttemptRecord[];
}
