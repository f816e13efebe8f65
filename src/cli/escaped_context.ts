/** A command's output with every control character escaped, for commands that print text only. */
import { escapeControl } from "../text/escape_control.ts";
import type { CliContext } from "./context.ts";

/** `text` with control characters escaped on each line; the line breaks themselves are kept. */
export function escapeLines(text: string): string {
  return text.split("\n").map(escapeControl).join("\n");
}

/**
 * `ctx` whose `out` and `err` escape control characters (line breaks between lines are kept), so
 * names and paths read from files or the environment cannot drive the terminal. Not for JSON or
 * `--raw` output, which must stay byte-exact.
 */
export function escapedContext(ctx: CliContext): CliContext {
  return {
    env: ctx.env,
    paths: () => ctx.paths(),
    cwd: () => ctx.cwd(),
    out: (text) => ctx.out(escapeLines(text)),
    err: (text) => ctx.err(escapeLines(text)),
  };
}
