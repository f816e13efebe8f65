/** Request-log records for tests, shaped like the proxy writes them. */
import type { RequestRecord } from "../../src/usage/log_record.ts";

/** A completed Codex request; fields overridable. */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    timestamp_ms: Date.UTC(2026, 0, 15, 12, 0, 0),
    service: "codex",
    method: "POST",
    path: "/v1/responses",
    status_code: 200,
    duration_ms: 1000,
    config_name: "packy",
    upstream_base_url: "https://api.packycode.com/v1",
    usage: {
      input_tokens: 100,
      output_tokens: 20,
      reasoning_tokens: 5,
      total_tokens: 120,
      cached_input_tokens: 40,
    },
    model: "gpt-5",
    ttfb_ms: 200,
    outcome: "completed",
    attempts: [{
      upstream_base_url: "https://api.packycode.com/v1",
      status_code: 200,
      error: null,
      duration_ms: 1000,
    }],
    ...overrides,
  };
}

/** Records as JSONL text (one line each, final newline). */
export function toJsonl(records: (RequestRecord | string)[]): string {
  return records.map((r) => typeof r === "string" ? r : JSON.stringify(r)).join("\n") + "\n";
}

/** The request log's records as the proxy wrote them (none when there is no log yet). */
export async function readRequestRecords(path: string): Promise<RequestRecord[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}
