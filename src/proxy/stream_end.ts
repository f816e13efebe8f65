/**
 * How a relayed reply ended, and what that means: one table decides both the breaker's verdict
 * on the upstream and the outcome in the request log.
 */
import type { StreamFailure } from "../usage/record.ts";
import type { Outcome } from "../usage/log_record.ts";
import { isRetryableCode } from "./first_event.ts";

/** The one state a relayed reply ends in. */
export type StreamEnd =
  /** The upstream's body ended after its last event (or, not SSE, after its last byte). */
  | { kind: "completed" }
  /** The terminal event was a failure (`response.failed`, `error`), relayed to the client. */
  | { kind: "failed"; failure: StreamFailure }
  /** The upstream ended the body before its protocol's last event, or its connection broke. */
  | { kind: "cut"; error: string }
  /** No upstream bytes for the idle timeout while the client waited. */
  | { kind: "stalled"; error: string }
  /** The client left after the (successful) terminal event was relayed: it has the whole reply. */
  | { kind: "client_gone_after_terminal" }
  /** The client left before the terminal event: the reply is unfinished, the upstream unjudged. */
  | { kind: "client_gone_before_terminal" }
  /** The proxy shut down mid-reply. */
  | { kind: "shutdown" };

/** What the pool hears about the upstream of one attempt. */
export type Verdict = "success" | "failure" | "none";

/** The breaker verdict and the log outcome of one ended reply. */
export interface StreamJudgement {
  verdict: Verdict;
  outcome: Outcome;
  /** Why it did not complete (logged as `error`), else null. */
  error: string | null;
}

/** Options of {@linkcode judgeStreamEnd}. */
export interface JudgeOptions {
  /** The upstream's status was a client error (4xx other than failover ones). */
  clientError: boolean;
}

/**
 * The verdict and outcome of a reply that ended as `end`:
 *
 * | end                         | log outcome                         | breaker                    |
 * | --------------------------- | ----------------------------------- | -------------------------- |
 * | completed                   | completed (upstream_error if 4xx)   | success (none if 4xx)      |
 * | failed (terminal event)     | upstream_error                      | failure if retryable code  |
 * | cut / stalled               | stream_cut / stream_stalled         | failure                    |
 * | client gone after terminal  | as completed                        | as completed               |
 * | client gone before terminal | client_aborted                      | none                       |
 * | shutdown                    | shutdown                            | none                       |
 */
export function judgeStreamEnd(end: StreamEnd, options: JudgeOptions): StreamJudgement {
  switch (end.kind) {
    case "completed":
    case "client_gone_after_terminal":
      if (options.clientError) return { verdict: "none", outcome: "upstream_error", error: null };
      return { verdict: "success", outcome: "completed", error: null };
    case "failed":
      return {
        verdict: isRetryableCode(end.failure.code) ? "failure" : "none",
        outcome: "upstream_error",
        error: `${end.failure.type}: ${end.failure.code || "(no code)"}`,
      };
    case "cut":
      return { verdict: "failure", outcome: "stream_cut", error: end.error };
    case "stalled":
      return { verdict: "failure", outcome: "stream_stalled", error: end.error };
    case "client_gone_before_terminal":
      return { verdict: "none", outcome: "client_aborted", error: null };
    case "shutdown":
      return { verdict: "none", outcome: "shutdown", error: null };
  }
}
