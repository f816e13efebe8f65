/** Before a command runs: an existing `~/.codex-proxy` open to other users is made private. */
import type { Command } from "commander";
import { formatPrivateFolder, makeFolderPrivate } from "../config/private_folder.ts";
import type { CliContext } from "./context.ts";

/** The commands that write into `~/.codex-proxy`; readers (`doctor`, `status`, `list`, ...) change nothing. */
const WRITERS = new Set([
  "serve",
  "run",
  "switch-on",
  "switch-off",
  "config add",
  "config add-upstream",
  "config remove",
  "config remove-upstream",
  "config set-active",
  "config import-from-codex",
  "config import-from-claude",
  "usage quota",
]);

/** A commander `preAction` hook: tightens `~/.codex-proxy` to 0700 (owner's bits kept) with a note. */
export async function privateProxyHome(ctx: CliContext, action: Command): Promise<void> {
  const names: string[] = [];
  for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name());
  if (!WRITERS.has(names.join(" "))) return;
  let dir: string;
  try {
    dir = ctx.paths().proxyHome;
  } catch {
    return; // no home folder: the command itself says so if it needs one
  }
  const line = formatPrivateFolder(dir, await makeFolderPrivate(dir));
  if (line !== undefined) ctx.err(line);
}
