/** The command tree as plain data, read from commander, for the completion script generators. */
import { Help } from "commander";
import type { Command, Option } from "commander";

/** One option of a command, as completion needs it. */
export interface CompletionOption {
  /** Every spelling, e.g. `["-V", "--version"]`. */
  names: string[];
  description: string;
  /** The option is followed by a value (`--port <n>`). */
  takesValue: boolean;
  /** The allowed values, when the option declares them. */
  choices: string[];
}

/** One command and everything below it. */
export interface CompletionCommand {
  name: string;
  aliases: string[];
  description: string;
  options: CompletionOption[];
  /** The allowed values of the first positional argument, when declared. */
  argumentChoices: string[];
  commands: CompletionCommand[];
}

/** A command with its path of canonical names from the root (the root's path is empty). */
export interface CompletionEntry {
  path: string[];
  command: CompletionCommand;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? "";
}

function readOption(option: Option): CompletionOption {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  return {
    names,
    description: firstLine(option.description),
    takesValue: option.required || option.optional,
    choices: [...(option.argChoices ?? [])],
  };
}

/** Reads the visible commands and options of `command`, recursively. */
export function readCompletionTree(command: Command): CompletionCommand {
  const help = new Help();
  const firstArgument = command.registeredArguments[0];
  return {
    name: command.name(),
    aliases: [...command.aliases()],
    description: firstLine(command.description()),
    options: help.visibleOptions(command).map(readOption),
    argumentChoices: [...(firstArgument?.argChoices ?? [])],
    commands: help.visibleCommands(command).map((child) => {
      const node = readCompletionTree(child);
      // commander's implicit `help [command]` takes a sibling's name
      const implicitHelp = !command.commands.includes(child);
      if (implicitHelp) node.argumentChoices = command.commands.map((c) => c.name());
      return node;
    }),
  };
}

/** Lists every command of the tree with its path, parents first. */
export function flattenCompletionTree(root: CompletionCommand): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const visit = (command: CompletionCommand, path: string[]): void => {
    entries.push({ path, command });
    for (const child of command.commands) visit(child, [...path, child.name]);
  };
  visit(root, []);
  return entries;
}

/** The options of `command` that are followed by a value, by every spelling. */
export function valueOptionNames(command: CompletionCommand): string[] {
  return command.options.filter((o) => o.takesValue).flatMap((o) => o.names);
}
