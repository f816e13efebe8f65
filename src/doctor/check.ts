/** The result of one doctor check and small helpers to build and count them. */

/** How one check came out. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One doctor check: a stable `id`, its status, what was found and what to do. */
export interface DoctorCheck {
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it; empty when nothing needs doing. */
  hint: string;
}

/** Counts per status, as `doctor --json` prints them. */
export interface CheckSummary {
  ok: number;
  warn: number;
  fail: number;
  total: number;
}

/** A passing check. */
export function okCheck(id: string, message: string, hint = ""): DoctorCheck {
  return { id, status: "ok", message, hint };
}

/** A check that needs attention but does not break anything yet. */
export function warnCheck(id: string, message: string, hint: string): DoctorCheck {
  return { id, status: "warn", message, hint };
}

/** A check that fails: the setup is broken until the user acts. */
export function failCheck(id: string, message: string, hint: string): DoctorCheck {
  return { id, status: "fail", message, hint };
}

/** Counts the checks per status. */
export function summarizeChecks(checks: readonly DoctorCheck[]): CheckSummary {
  const summary: CheckSummary = { ok: 0, warn: 0, fail: 0, total: checks.length };
  for (const check of checks) summary[check.status]++;
  return summary;
}

/** The message of an error (CliError messages name the file, line and column). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The hint of a CliError-like error, or `fallback`. */
export function errorHint(error: unknown, fallback: string): string {
  const hint = (error as { hint?: unknown } | null)?.hint;
  return typeof hint === "string" && hint !== "" ? hint : fallback;
}
