/** The `--claude` flag every `config` subcommand (but the import) takes. */
import type { Service } from "../config/schema.ts";

/** Commander's view of the flag. */
export interface SectionFlag {
  claude?: boolean;
}

/** The flag's help line. */
export const CLAUDE_FLAG = "act on the claude section (Claude Code) instead of codex";

/** The section the command acts on. */
export function serviceOf(opts: SectionFlag): Service {
  return opts.claude ? "claude" : "codex";
}
