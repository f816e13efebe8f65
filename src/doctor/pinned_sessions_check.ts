/** Doctor check: this project's sessions pinned to another provider than Codex's current one. */
import { findPinnedSessions, formatPinnedNote } from "../codex/sessions_pinned.ts";
import { type DoctorCheck, okCheck, warnCheck } from "./check.ts";

/** Counts the pinned sessions of `project` and names the command that resumes them. */
export async function checkPinnedSessions(
  sessionsDir: string,
  options: { project: string; currentProvider: string | undefined; headCacheFile?: string },
): Promise<DoctorCheck> {
  const id = "codex.pinned_sessions";
  try {
    // doctor writes nothing: the remembered heads are read, never written
    const pinned = await findPinnedSessions(sessionsDir, { ...options, saveHeadCache: false });
    const note = formatPinnedNote(pinned, options.project);
    if (note === undefined) {
      return okCheck(id, "No session of this project is pinned to another provider");
    }
    return warnCheck(id, note.message, `resume with: ${note.command}`);
  } catch (error) {
    return okCheck(id, `Sessions not counted: ${error instanceof Error ? error.message : error}`);
  }
}
