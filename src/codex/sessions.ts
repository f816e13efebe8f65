/**
 * Finds Codex sessions (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`) for a project, fast at
 * any size: one stat and one small read per file; the prompt is read only for the sessions returned.
 */
import { join, sep } from "node:path";
import { toFileAccessError } from "../fs/file_access_error.ts";
import type { SessionMeta } from "./rollout_head.ts";
import { readFirstPrompt, readMetaFromFile } from "./rollout_reader.ts";
import {
  currentPathOs,
  type MatchRank,
  normalizeForMatch,
  type PathOs,
  rankSession,
} from "./session_match.ts";

/** One session as listed. */
export interface SessionSummary extends SessionMeta {
  /** The rollout file. */
  path: string;
  /** Last activity: the file's modification time. */
  updatedAt: Date;
  /** How the session's cwd relates to the project; undefined when listing all. */
  rank: MatchRank | undefined;
  /** The first real prompt, whitespace as written; undefined when none was found. */
  prompt: string | undefined;
}

/** Options of {@linkcode findSessions}. */
export interface FindSessionsOptions {
  /** The project folder; omit to list every session. */
  project?: string;
  /** How many sessions to return (and read prompts for); 0 means all. Default 10. */
  limit?: number;
  /** Path rules for matching; defaults to the running system's. */
  os?: PathOs;
  /** Resolves symlinks; defaults to `Deno.realPathSync`. Failures fall back to the path as given. */
  realPath?: (path: string) => string;
  /** Prompt reads at once. Default 8. */
  concurrency?: number;
}

/** The sessions found and what was skipped on the way. */
export interface FindSessionsResult {
  sessions: SessionSummary[];
  /**
   * Sessions that matched before the limit was applied. With no project, files whose heads were not
   * needed count as sessions.
   */
  matched: number;
  /** Rollout files looked at. */
  scanned: number;
  /** Files that could not be read or did not start with a `session_meta`. */
  skippedFiles: number;
  /** Lines that looked like a prompt but were not valid JSON. */
  malformedLines: number;
  /** The sessions folder does not exist. */
  missingFolder: boolean;
}

/** Runs `task` over `items` with at most `limit` at once, keeping order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Lists rollout files under the sessions folder (any depth, `rollout-*.jsonl`). */
export function listRolloutFiles(dir: string): string[] | undefined {
  const files: string[] = [];
  const walk = (folder: string, top: boolean): boolean => {
    const folders: string[] = [];
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    try {
      for (const entry of Deno.readDirSync(folder)) {
        // Plain concatenation: `folder` is already normalized, and join() costs 10,000 times.
        if (entry.isDirectory) folders.push(prefix + entry.name);
        else if (entry.name.startsWith("rollout-") && entry.name.endsWith(".jsonl")) {
          files.push(prefix + entry.name);
        }
      }
    } catch (error) {
      if (top && error instanceof Deno.errors.NotFound) return false;
      if (
        !(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied)
      ) {
        throw toFileAccessError(error, folder);
      }
    }
    for (const sub of folders) walk(sub, false);
    return true;
  };
  return walk(join(dir), true) ? files : undefined;
}

/** The metadata of one rollout (one open, usually one 4 KB read), or undefined if it has none. */
function readMeta(
  path: string,
  withMtime: boolean,
): { meta: SessionMeta; mtime?: Date } | undefined {
  try {
    using file = Deno.openSync(path);
    const scan = readMetaFromFile(file);
    if (scan.kind !== "meta") return undefined;
    if (!withMtime) return { meta: scan.meta };
    return { meta: scan.meta, mtime: file.statSync().mtime ?? new Date(0) };
  } catch {
    return undefined;
  }
}

function mtimeOf(path: string): number | undefined {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return undefined;
  }
}

function summary(
  path: string,
  meta: SessionMeta,
  updatedAt: Date,
  rank?: MatchRank,
): SessionSummary {
  return { ...meta, path, updatedAt, rank, prompt: undefined };
}

/** Best rank first; among parent folders the closest first (so "/" comes last); then newest. */
function byRankThenNewest(parentLength: Map<SessionSummary, number>) {
  return (a: SessionSummary, b: SessionSummary): number =>
    (a.rank ?? 0) - (b.rank ?? 0) ||
    (parentLength.get(b) ?? 0) - (parentLength.get(a) ?? 0) ||
    b.updatedAt.getTime() - a.updatedAt.getTime() ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** A path resolver that resolves each distinct cwd once. */
function createMatcher(options: { os: PathOs; realPath: (path: string) => string }) {
  const resolved = new Map<string, string>();
  return (path: string): string => {
    let hit = resolved.get(path);
    if (hit === undefined) {
      let real = path;
      try {
        if (path !== "") real = options.realPath(path);
      } catch {
        // Gone or not on this machine: compare the path as recorded.
      }
      hit = normalizeForMatch(real, options.os);
      resolved.set(path, hit);
    }
    return hit;
  };
}

interface Scan {
  candidates: SessionSummary[];
  matched: number;
  skippedFiles: number;
  /** Parent-folder matches: the length of their normalized cwd (longer is closer). */
  parentLength: Map<SessionSummary, number>;
}

/** Project mode: every head is read for its cwd; only matches are stat'ed and kept. */
function scanForProject(
  files: string[],
  project: string,
  options: Required<Pick<FindSessionsOptions, "os">> & { realPath: (path: string) => string },
): Scan {
  const resolve = createMatcher(options);
  const target = resolve(project);
  const candidates: SessionSummary[] = [];
  const parentLength = new Map<SessionSummary, number>();
  let skippedFiles = 0;
  for (const path of files) {
    const head = readMeta(path, false);
    if (!head) {
      skippedFiles++;
      continue;
    }
    const cwd = resolve(head.meta.cwd);
    const rank = rankSession(cwd, target);
    if (rank === undefined) continue;
    const mtime = mtimeOf(path);
    if (mtime === undefined) {
      skippedFiles++;
      continue;
    }
    const found = summary(path, head.meta, new Date(mtime), rank);
    candidates.push(found);
    if (rank === 2) parentLength.set(found, cwd.length);
  }
  return { candidates, matched: candidates.length, skippedFiles, parentLength };
}

/** All mode: stat everything, then read heads newest first only until `limit` sessions are found. */
function scanAll(files: string[], limit: number): Scan {
  const stamped: { path: string; mtime: number }[] = [];
  let skippedFiles = 0;
  for (const path of files) {
    const mtime = mtimeOf(path);
    if (mtime === undefined) skippedFiles++;
    else stamped.push({ path, mtime });
  }
  stamped.sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const candidates: SessionSummary[] = [];
  const seen = new Set<string>();
  let copies = 0;
  for (const { path, mtime } of stamped) {
    if (limit > 0 && candidates.length === limit) break;
    const head = readMeta(path, false);
    if (!head) skippedFiles++;
    else if (seen.has(head.meta.id)) copies++;
    else {
      seen.add(head.meta.id);
      candidates.push(summary(path, head.meta, new Date(mtime)));
    }
  }
  // Files not read are counted as sessions: their heads were not needed.
  const matched = files.length - skippedFiles - copies;
  return { candidates, matched, skippedFiles, parentLength: new Map() };
}

/** Keeps the first file of each session id: a copied or forked rollout is one session, not two. */
function firstOfEachId(sessions: SessionSummary[]): SessionSummary[] {
  const seen = new Set<string>();
  return sessions.filter((s) => !seen.has(s.id) && seen.add(s.id));
}

/** Finds sessions for a project (best match, then newest first) or all sessions (newest first). */
export async function findSessions(
  sessionsDir: string,
  options: FindSessionsOptions = {},
): Promise<FindSessionsResult> {
  const os = options.os ?? currentPathOs();
  const realPath = options.realPath ?? Deno.realPathSync;
  const concurrency = options.concurrency ?? 8;
  const limit = options.limit ?? 10;
  const files = listRolloutFiles(sessionsDir);
  if (files === undefined) {
    return {
      sessions: [],
      matched: 0,
      scanned: 0,
      skippedFiles: 0,
      malformedLines: 0,
      missingFolder: true,
    };
  }
  const scan = options.project === undefined
    ? scanAll(files, limit)
    : scanForProject(files, options.project, { os, realPath });
  const sorted = firstOfEachId(scan.candidates.sort(byRankThenNewest(scan.parentLength)));
  const matched = scan.matched - (scan.candidates.length - sorted.length);
  const shown = sorted.slice(0, limit > 0 ? limit : undefined);
  let malformedLines = 0;
  await mapBounded(shown, concurrency, async (session) => {
    const read = await readFirstPrompt(session.path).catch(() => undefined);
    session.prompt = read?.prompt;
    malformedLines += read?.malformedLines ?? 0;
  });
  return {
    sessions: shown,
    matched,
    scanned: files.length,
    skippedFiles: scan.skippedFiles,
    malformedLines,
    missingFolder: false,
  };
}
