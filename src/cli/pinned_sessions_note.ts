/** After switch-on: say how many of this project's sessions are pinned to another provider. */
import { findPinnedSessions, formatPinnedNote } from "../codex/sessions_pinned.ts";
import type { CliContext } from "./context.ts";

/** Prints one note about pinned sessions (best effort: a failure to look is not reported). */
export async function reportPinnedSessions(
  ctx: CliContext,
  currentProvider: string | undefined,
): Promise<void> {
  try {
    const project = ctx.cwd();
    const pinned = await findPinnedSessions(ctx.paths().codexSessions, {
      project,
      currentProvider,
      headCacheFile: ctx.paths().sessionHeadCache,
    });
    const note = formatPinnedNote(pinned, project);
    // two lines, as doctor prints it: the finding, then the command to copy
    if (note) ctx.out(`Note: ${note.message}\n  resume with: ${note.command}`);
  } catch {
    // Only a hint: sessions that cannot be read are reported by "session list".
  }
}
