/** Completion scripts for every supported shell, generated from the live command tree. */
import type { Command } from "commander";
import { formatBashCompletion } from "./completion_bash.ts";
import { formatFishCompletion } from "./completion_fish.ts";
import { formatPowerShellCompletion } from "./completion_powershell.ts";
import { readCompletionTree } from "./completion_tree.ts";
import { formatZshCompletion } from "./completion_zsh.ts";

/** The shells `completions` writes scripts for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** One of {@linkcode COMPLETION_SHELLS}. */
export type CompletionShell = typeof COMPLETION_SHELLS[number];

/**
 * Formats the completion script of `shell` for `program` and every command below it.
 *
 * @example
 * ```ts
 * formatCompletionScript(createProgram(ctx), "bash"); // "# bash completion for codex-helper..."
 * ```
 */
export function formatCompletionScript(program: Command, shell: CompletionShell): string {
  const tree = readCompletionTree(program);
  switch (shell) {
    case "bash":
      return formatBashCompletion(tree);
    case "zsh":
      return formatZshCompletion(tree);
    case "fish":
      return formatFishCompletion(tree);
    case "powershell":
      return formatPowerShellCompletion(tree);
  }
}
