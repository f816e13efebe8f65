/**
 * Finds Codex sessions (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`) for a project, fast at
 * any size: one stat and one small read per file; the prompt is read only for the sessions returned.
 */
import { join } from "node:path";
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
  /** Resolves symlinks; defaults to `Deno.realPath`. Failures fall back to the path as given. */
  realPath?: (path: string) => Promise<string>;
  /** Prompt reads and path resolutions at once. Default 8. */
  concurrency?: number;
}

/** The sessions found and what was skipped on the way. */
export interface FindSessionsResult {
  sessions: SessionSummary[];
  /** Sessions that matched before the limit was applied. */
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
    try {
      for (const entry of Deno.readDirSync(folder)) {
        if (entry.isDirectory) folders.push(join(folder, entry.name));
        else if (entry.name.startsWith("rollout-") && entry.name.endsWith(".jsonl")) {
          files.push(join(folder, entry.name));
        }
      }
    } catch (error) {
      if (top && error instanceof Deno.errors.NotFound) return false;
      if (
        !(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied)
      ) {
        throw error;
      }
    }
    for (const sub of folders) walk(sub, false);
    return true;
  };
  return walk(dir, true) ? files : undefined;
}

type Head = { meta: SessionMeta; updatedAt: Date } | undefined;

/** Stat and metadata of one rollout: one open, one fstat, usually one 4 KB read. */
function readHead(path: string): Head {
  try {
    using file = Deno.openSync(path);
    const info = file.statSync();
    if (!info.isFile) return undefined;
    const scan = readMetaFromFile(file);
    if (scan.kind !== "meta") return undefined;
    return { meta: scan.meta, updatedAt: info.mtime ?? new Date(0) };
  } catch {
    return undefined;
  }
}

async function resolveAll(
  paths: Iterable<string>,
  options: { os: PathOs; realPath: (path: string) => Promise<string>; concurrency: number },
): Promise<Map<string, string>> {
  const unique = [...new Set(paths)];
  const resolved = await mapBounded(unique, options.concurrency, async (path) => {
    if (path === "") return "";
    const real = await options.realPath(path).catch(() => path);
    return normalizeForMatch(real, options.os);
  });
  return new Map(unique.map((p, i) => [p, resolved[i]!]));
}

/** Finds sessions for a project (best match, then newest first) or all sessions (newest first). */
export async function findSessions(
  sessionsDir: string,
  options: FindSessionsOptions = {},
): Promise<FindSessionsResult> {
  const os = options.os ?? currentPathOs();
  const realPath = options.realPath ?? Deno.realPath;
  const concurrency = options.concurrency ?? 8;
  const limit = options.limit ?? 10;
  const files = listRolloutFiles(sessionsDir);
  const empty = { sessions: [], matched: 0, skippedFiles: 0, malformedLines: 0 };
  if (files === undefined) return { ...empty, scanned: 0, missingFolder: true };
  const heads = files.map(readHead);
  let candidates: SessionSummary[] = [];
  heads.forEach((head, i) => {
    if (head) {
      candidates.push({
        ...head.meta,
        path: files[i]!,
        updatedAt: head.updatedAt,
        rank: undefined,
        prompt: undefined,
      });
    }
  });
  const skippedFiles = files.length - candidates.length;
  if (options.project !== undefined) {
    const resolved = await resolveAll([options.project, ...candidates.map((s) => s.cwd)], {
      os,
      realPath,
      concurrency,
    });
    const project = resolved.get(options.project)!;
    candidates = candidates.filter((s) =>
      (s.rank = rankSession(resolved.get(s.cwd)!, project)) !== undefined
    );
  }
  candidates.sort((a, b) =>
    (a.rank ?? 0) - (b.rank ?? 0) || b.updatedAt.getTime() - a.updatedAt.getTime() ||
    a.path.localeCompare(b.path)
  );
  const shown = limit > 0 ? candidates.slice(0, limit) : candidates;
  let malformedLines = 0;
  await mapBounded(shown, concurrency, async (session) => {
    const read = await readFirstPrompt(session.path).catch(() => undefined);
    session.prompt = read?.prompt;
    malformedLines += read?.malformedLines ?? 0;
  });
  return {
    sessions: shown,
    matched: candidates.length,
    scanned: files.length,
    skippedFiles,
    malformedLines,
    missingFolder: false,
  };
}
