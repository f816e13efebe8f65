/** Text tables for the `usage` commands (pure: data in, lines out). */
import type { RequestRecord } from "../usage/log_record.ts";
import type { QuotaReportEntry } from "../usage/quota_report.ts";
import { cachedInputTokens, num } from "../usage/record_parse.ts";
import type { Summary } from "../usage/summary.ts";
import { escapeControl } from "../text/escape_control.ts";

/** Left-aligns text columns and right-aligns numeric ones; control characters are escaped. */
export function formatTable(header: string[], cells: string[][], rightAligned: number[] = []) {
  const rows = cells.map((row) => row.map(escapeControl));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) =>
      rightAligned.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)
    ).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Milliseconds as `850ms` or `12.3s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "-";
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function host(baseUrl: string | null | undefined): string {
  if (!baseUrl) return "-";
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** The `usage tail` table; `undefined` entries are malformed lines. */
export function formatTailTable(records: (RequestRecord | undefined)[]): string[] {
  const header = [
    "time",
    "config",
    "upstream",
    "status",
    "duration",
    "in",
    "out",
    "reasoning",
    "cached",
    "total",
    "outcome",
  ];
  const rows = records.map((r) => {
    if (r === undefined) return ["(malformed line)", "", "", "", "", "", "", "", "", "", ""];
    const u = r.usage;
    const tok = (v: unknown) => u ? String(num(v)) : "-";
    return [
      formatTime(r.timestamp_ms),
      r.config_name ?? "-",
      host(r.upstream_base_url),
      String(r.status_code),
      formatDuration(r.duration_ms),
      tok(u?.input_tokens),
      tok(u?.output_tokens),
      tok(u?.reasoning_tokens),
      u ? String(cachedInputTokens(r)) : "-",
      tok(u?.total_tokens),
      r.outcome ?? (r.status_code < 400 ? "completed" : "error"),
    ];
  });
  return formatTable(header, rows, [3, 4, 5, 6, 7, 8, 9]);
}

/** What `usage tail` and `usage summary` print when there is no request log yet. */
export function formatNoRequests(logPath: string): string {
  return `No requests logged yet (${escapeControl(logPath)}).`;
}

/** The `usage summary` table and its footnotes. */
export function formatSummaryTable(summary: Summary, logPath?: string): string[] {
  const header = [
    summary.by,
    "requests",
    "errors",
    "input",
    "cached",
    "output",
    "reasoning",
    "total",
    "median",
  ];
  const rows = summary.rows.map((r) => [
    r.key,
    String(r.requests),
    String(r.errors),
    String(r.input_tokens),
    String(r.cached_input_tokens),
    String(r.output_tokens),
    String(r.reasoning_tokens),
    String(r.total_tokens),
    formatDuration(r.median_duration_ms),
  ]);
  const out = rows.length > 0 ? formatTable(header, rows, [1, 2, 3, 4, 5, 6, 7, 8]) : [
    summary.since_ms !== null
      ? "No requests in the log for this period."
      : logPath === undefined
      ? "No requests in the log."
      : formatNoRequests(logPath),
  ];
  if (summary.malformed_lines > 0) {
    out.push(`(${summary.malformed_lines} malformed line(s) skipped)`);
  }
  return out;
}

function money(v: number | null): string {
  return v === null ? "-" : String(Math.round(v * 100) / 100);
}

/** The `usage quota` report: one block per provider. */
export function formatQuotaReport(entries: QuotaReportEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    out.push(`${e.id} (${e.kind}) ${e.endpoint}`);
    if (e.state === "not_used") {
      out.push(
        "  state: not used (no upstream of the active configs is on its domains, and no token_env)",
      );
      continue;
    }
    const state = e.state === "ok" ? (e.exhausted ? "EXHAUSTED" : "ok") : `unknown (${e.error})`;
    out.push(`  state: ${state}`);
    out.push(
      `  budget: ${money(e.budget)}  spent: ${money(e.spent)}  remaining: ${money(e.remaining)}`,
    );
    out.push(`  token: ${e.token_source ?? "none"}`);
    if (e.upstreams.length === 0) out.push("  upstreams: none in the active configs");
    for (const u of e.upstreams) {
      const mark = u.exhausted === null ? "unknown" : u.exhausted ? "exhausted" : "ok";
      out.push(`  - ${u.base_url}  ${mark}`);
    }
  }
  // ids, errors and URLs come from usage_providers.json and the relays' replies
  return out.map(escapeControl);
}
