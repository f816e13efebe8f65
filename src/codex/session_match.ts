/** Ranks a session's cwd against the project folder: same folder, subfolder, parent folder. */
import { posix, win32 } from "node:path";

/** The operating system whose path rules apply. */
export type PathOs = "windows" | "posix";

/** How a session relates to the project: 0 same folder, 1 subfolder, 2 parent folder. */
export type MatchRank = 0 | 1 | 2;

/** The path rules of the running system. */
export function currentPathOs(): PathOs {
  return Deno.build.os === "windows" ? "windows" : "posix";
}

/**
 * A comparable form of an absolute path: `.`/`..` resolved, no trailing separator, and on Windows
 * forward slashes and lower case.
 * @example normalizeForMatch("C:\\Users\\Dev\\App\\", "windows") // "c:/users/dev/app"
 */
export function normalizeForMatch(path: string, os: PathOs): string {
  if (path === "") return "";
  if (os === "windows") {
    const normalized = win32.normalize(path.replaceAll("/", "\\")).replaceAll("\\", "/");
    return stripTrailing(normalized).toLowerCase();
  }
  return stripTrailing(posix.normalize(path));
}

function stripTrailing(path: string): string {
  // Keep roots like "/" and "c:/" whole.
  return /^(?:[a-zA-Z]:)?\/$/.test(path) ? path : path.replace(/\/+$/, "");
}

function isInside(child: string, parent: string): boolean {
  const prefix = parent.endsWith("/") ? parent : parent + "/";
  return child.startsWith(prefix);
}

/** The rank of `sessionCwd` for `project` (both normalized), or undefined when unrelated. */
export function rankSession(sessionCwd: string, project: string): MatchRank | undefined {
  if (sessionCwd === "" || project === "") return undefined;
  if (sessionCwd === project) return 0;
  if (isInside(sessionCwd, project)) return 1;
  if (isInside(project, sessionCwd)) return 2;
  return undefined;
}
