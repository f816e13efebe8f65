/** Text and JSON renderings of doctor's checks. */
import { type CheckSummary, type DoctorCheck, summarizeChecks } from "./check.ts";
import { escapeControl } from "../text/escape_control.ts";

const LABEL = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

/** One line per check (`ok   id  message`), the hint indented below non-ok ones, then a summary. */
export function formatChecksText(checks: readonly DoctorCheck[]): string[] {
  const width = Math.max(0, ...checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${LABEL[check.status]}  ${check.id.padEnd(width)}  ${check.message}`);
    if (check.status !== "ok" && check.hint !== "") {
      lines.push(`${" ".repeat(width + 8)}-> ${check.hint}`);
    }
  }
  const s = summarizeChecks(checks);
  lines.push("", formatSummaryLine(s));
  // messages quote names, paths and values read from the checked files
  return lines.map(escapeControl);
}

/** "21 ok, 2 warnings, 1 failed". */
export function formatSummaryLine(s: CheckSummary): string {
  return `${s.ok} ok, ${s.warn} warning(s), ${s.fail} failed`;
}

/** The stable `--json` document: `{"checks": [...], "summary": {...}}`. */
export function formatChecksJson(checks: readonly DoctorCheck[]): string {
  const doc = {
    checks: checks.map(({ id, status, message, hint }) => ({ id, status, message, hint })),
    summary: summarizeChecks(checks),
  };
  return JSON.stringify(doc, null, 2);
}
