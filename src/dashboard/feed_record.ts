/** A request record as the dashboard shows it: the log line's fields, URLs masked once more. */
import { redactUrl } from "../config/redact_url.ts";
import type { AttemptRecord, RequestRecord, UsageCounts } from "../usage/log_record.ts";

/** One finished request in the live feed. */
export interface FeedRecord {
  timestamp_ms: number;
  service: string;
  method: string;
  path: string;
  status_code: number;
  duration_ms: number;
  config_name: string | null;
  upstream_base_url: string | null;
  model: string | null;
  ttfb_ms: number | null;
  outcome: string | null;
  /** Why it did not complete, when the log line says. */
  error: string | null;
  usage: UsageCounts | null;
  attempts: AttemptRecord[];
}

function errorOf(record: RequestRecord): string | null {
  const error = (record as { error?: unknown }).error;
  return typeof error === "string" ? error : null;
}

function shown(url: string | null | undefined): string | null {
  return typeof url === "string" ? redactUrl(url) : null;
}

/**
 * The feed's view of a record. The proxy logs URLs masked already; masking again keeps a record
 * from an older log, or a hand-edited one, from showing a credential.
 */
export function toFeedRecord(record: RequestRecord): FeedRecord {
  return {
    timestamp_ms: record.timestamp_ms,
    service: record.service,
    method: record.method,
    path: record.path,
    status_code: record.status_code,
    duration_ms: record.duration_ms,
    config_name: record.config_name,
    upstream_base_url: shown(record.upstream_base_url),
    model: record.model ?? null,
    ttfb_ms: record.ttfb_ms ?? null,
    outcome: record.outcome ?? null,
    error: errorOf(record),
    usage: record.usage,
    attempts: (record.attempts ?? []).map((a) => ({
      upstream_base_url: shown(a.upstream_base_url) ?? "(unknown)",
      status_code: a.status_code,
      error: a.error,
      duration_ms: a.duration_ms,
    })),
  };
}
