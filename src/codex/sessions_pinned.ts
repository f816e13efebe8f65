/**
 * Sessions of a project pinned to another provider than Codex's current one: Codex refuses to
 * resume them as they are (`codex resume <id>` fails), `codex-helper session resume` does not.
 */
import { escapeControl } from "../text/escape_control.ts";
import { findSessions } from "./sessions.ts";

/** What {@linkcode findPinnedSessions} found. */
export interface PinnedSessions {
  count: number;
  /** Sessions per recorded provider, most first. */
  byProvider: [string, number][];
  /** The newest pinned session's id. */
  latestId: string | undefined;
}

/** Options of {@linkcode findPinnedSessions}. */
export interface FindPinnedOptions {
  project: string;
  /** `model_provider` of config.toml; undefined means the built-in `openai`. */
  currentProvider: string | undefined;
  headCacheFile?: string;
  /** Write newly read heads back to `headCacheFile` (default true). */
  saveHeadCache?: boolean;
}

/** Counts the project's sessions whose recorded provider is not the current one. */
export async function findPinnedSessions(
  sessionsDir: string,
  options: FindPinnedOptions,
): Promise<PinnedSessions> {
  const current = options.currentProvider ?? "openai";
  const found = await findSessions(sessionsDir, {
    project: options.project,
    limit: 0,
    prompts: false,
    ...(options.headCacheFile === undefined ? {} : { headCacheFile: options.headCacheFile }),
    ...(options.saveHeadCache === false ? { saveHeadCache: false } : {}),
  });
  const pinned = found.sessions.filter((s) => s.modelProvider !== "" && s.modelProvider !== current)
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  const counts = new Map<string, number>();
  for (const s of pinned) counts.set(s.modelProvider, (counts.get(s.modelProvider) ?? 0) + 1);
  return {
    count: pinned.length,
    byProvider: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    latestId: pinned[0]?.id,
  };
}

/**
 * One line about pinned sessions and the command that resumes them; undefined when there are none.
 * @example formatPinnedNote({ count: 2, byProvider: [["relay", 2]], latestId: "x" }, "/p")
 */
export function formatPinnedNote(
  pinned: PinnedSessions,
  project: string,
): { message: string; command: string } | undefined {
  if (pinned.count === 0) return undefined;
  const providers = pinned.byProvider.map(([p, n]) => `${escapeControl(p)}: ${n}`).join(", ");
  const noun = pinned.count === 1 ? "session" : "sessions";
  return {
    message: `${pinned.count} ${noun} of "${escapeControl(project)}" ` +
      `${pinned.count === 1 ? "is" : "are"} pinned to another provider (${providers}); ` +
      `"codex resume <id>" refuses them`,
    command: `codex-helper session resume ${escapeControl(pinned.latestId ?? "<id>")}` +
      ` (the latest; every one: codex-helper session list)`,
  };
}
