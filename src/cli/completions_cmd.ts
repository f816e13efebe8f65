/** `completions <shell>`: print a completion script for the whole command tree. */
import { Argument, type Command } from "commander";
import {
  COMPLETION_SHELLS,
  type CompletionShell,
  formatCompletionScript,
} from "./completion_script.ts";
import type { CliContext } from "./context.ts";

/** Registers `completions <shell>`. */
export function registerCompletionsCommands(program: Command, ctx: CliContext): void {
  program
    .command("completions")
    .description("print a shell completion script (bash, zsh, fish or powershell)")
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(COMPLETION_SHELLS))
    .addHelpText(
      "after",
      `
Examples:
  # bash: current shell, then for good
  source <(codex-helper completions bash)
  codex-helper completions bash > ~/.local/share/bash-completion/completions/codex-helper

  # zsh (after compinit): a file named _codex-helper in a folder on $fpath
  codex-helper completions zsh > "\${fpath[1]}/_codex-helper"

  # fish
  codex-helper completions fish > ~/.config/fish/completions/codex-helper.fish

  # PowerShell: add to your profile
  codex-helper.exe completions powershell >> $PROFILE`,
    )
    .action((shell: CompletionShell) => {
      ctx.out(formatCompletionScript(program, shell).replace(/\n$/, ""));
    });
}
