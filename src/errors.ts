/** Errors that carry a message meant for the user; `main.ts` prints them as one line. */

/** A failure the user can fix; printed as `error: <message>` (and the hint), exit code 1. */
export class CliError extends Error {
  /** What to do about it, printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.hint = options.hint;
  }
}

/** The command line itself is wrong; exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, options: { hint?: string } = {}) {
    super(message, options);
    this.name = "UsageError";
  }
}
