/**
 * Finds Codex sessions (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`, and `.jsonl.zst` for
 * rollouts Codex compressed) for a project, fast at any size: one stat and one small read per file
 * (compressed heads are remembered between runs); the prompt is read only for the sessions returned.
 */
import { join, sep } from "node:path";
import { toFileAccessError } from "../fs/file_access_error.ts";
import type { MetaScan, SessionMeta } from "./rollout_head.ts";
import {
  type PromptRead,
  readFirstPrompt,
  readMetaFromFile,
  readMetaFromPath,
  readMetaQuick,
} from "./rollout_reader.ts";
import { isCompressedRollout, openCompressedRolloutSync } from "./rollout_source.ts";
import { type HeadCache, loadHeadCache } from "./sessions_head_cache.ts";
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
  /** Where the heads of compressed rollouts are remembered between runs; none when omitted. */
  headCacheFile?: string;
  /** Use the remembered heads without writing them back (a read-only command). Default true. */
  saveHeadCache?: boolean;
  /** Read the first prompt of the sessions returned (default true). */
  prompts?: boolean;
  /** Lists a folder; defaults to `Deno.readDirSync` (injectable for tests). */
  readDir?: (path: string) => Iterable<Deno.DirEntry>;
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
  /** Folders under (or being) the sessions folder that could not be read. */
  unreadableFolders: string[];
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

/** The rollout files found and the folders that could not be read. */
export interface RolloutListing {
  files: string[];
  /** Folders (the sessions folder itself included) that exist but could not be read. */
  unreadable: string[];
}

/** True for a rollout file name: `rollout-*.jsonl` or `rollout-*.jsonl.zst`. */
export function isRolloutName(name: string): boolean {
  return name.startsWith("rollout-") && (name.endsWith(".jsonl") || name.endsWith(".jsonl.zst"));
}

/**
 * Lists rollout files under the sessions folder (any depth), or undefined when it does not exist.
 * Only regular files (or links to them) are listed: opening a FIFO or socket would block.
 */
export function listRolloutFiles(
  dir: string,
  options: { readDir?: (path: string) => Iterable<Deno.DirEntry> } = {},
): RolloutListing | undefined {
  const readDir = options.readDir ?? Deno.readDirSync;
  const files: string[] = [];
  const unreadable: string[] = [];
  const walk = (folder: string, top: boolean): boolean => {
    const folders: string[] = [];
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    try {
      for (const entry of readDir(folder)) {
        // Plain concatenation: `folder` is already normalized, and join() costs 10,000 times.
        if (entry.isDirectory) folders.push(prefix + entry.name);
        else if (!isRolloutName(entry.name)) continue;
        else if (entry.isFile) files.push(prefix + entry.name);
        else if (entry.isSymlink && isFileBehindLink(prefix + entry.name)) {
          files.push(prefix + entry.name);
        }
      }
    } catch (error) {
      if (top && error instanceof Deno.errors.NotFound) return false;
      if (error instanceof Deno.errors.PermissionDenied) {
        unreadable.push(folder);
      } else if (!(error instanceof Deno.errors.NotFound)) {
        throw toFileAccessError(error, folder);
      }
    }
    for (const sub of folders) walk(sub, false);
    return true;
  };
  return walk(join(dir), true) ? { files, unreadable } : undefined;
}

function isFileBehindLink(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The metadata of one plain rollout (one open, usually one 4 KB read), or undefined if none. */
function readMeta(path: string): SessionMeta | undefined {
  try {
    using file = Deno.openSync(path);
    const scan = readMetaFromFile(file);
    return scan.kind === "meta" ? scan.meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The metadata of a compressed rollout from the first 4 KB of its text, decompressed synchronously;
 * undefined when that was not enough (or not possible here): then read it asynchronously.
 */
function readCompressedMetaQuick(path: string): MetaScan | undefined {
  using reader = openCompressedRolloutSync(path);
  if (reader === undefined) return undefined;
  const scan = readMetaQuick(reader);
  return scan.kind === "more" ? undefined : scan;
}

/** Size and modification time (ms) of a compressed rollout: what its remembered head is keyed by. */
interface Stamp {
  size: number;
  mtime: number;
}

/** Marks a head that the synchronous quick read could not settle. */
const LATER = Symbol("later");

/** Reads the heads of compressed rollouts, from the cache when it knows them. */
function createCompressedHeads(cache: HeadCache) {
  const remember = (path: string, stamp: Stamp, scan: MetaScan): SessionMeta | undefined => {
    if (scan.kind !== "meta") return undefined;
    cache.set(path, stamp.size, stamp.mtime, scan.meta);
    return scan.meta;
  };
  return {
    /** The cached head, or undefined (then `read`); `stamp` undefined when the file is gone. */
    cached(path: string): { meta?: SessionMeta; stamp?: Stamp } {
      let stamp: Stamp;
      try {
        const stat = Deno.statSync(path);
        stamp = { size: stat.size, mtime: stat.mtime?.getTime() ?? 0 };
      } catch {
        return {};
      }
      const meta = cache.get(path, stamp.size, stamp.mtime);
      return meta === undefined ? { stamp } : { meta, stamp };
    },
    /**
     * The head from the first 4 KB of text, decompressed synchronously (no promise, no garbage
     * beyond a few small objects per file); `LATER` when that did not settle it: then `read`.
     */
    readQuick(path: string, stamp: Stamp): SessionMeta | undefined | typeof LATER {
      try {
        const scan = readCompressedMetaQuick(path);
        return scan === undefined ? LATER : remember(path, stamp, scan);
      } catch {
        return undefined;
      }
    },
    async read(path: string, stamp: Stamp): Promise<SessionMeta | undefined> {
      try {
        return remember(path, stamp, readCompressedMetaQuick(path) ?? await readMetaFromPath(path));
      } catch {
        return undefined;
      }
    },
  };
}

/** Compressed heads whose first 4 KB did not do, read at once. */
const DECODE_CONCURRENCY = 4;

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
async function scanForProject(
  files: string[],
  project: string,
  options: Required<Pick<FindSessionsOptions, "os">> & {
    realPath: (path: string) => string;
    cache: HeadCache;
  },
): Promise<Scan> {
  const resolve = createMatcher(options);
  const target = resolve(project);
  const candidates: SessionSummary[] = [];
  const parentLength = new Map<SessionSummary, number>();
  const heads = createCompressedHeads(options.cache);
  const toDecode: { path: string; stamp: Stamp }[] = [];
  let skippedFiles = 0;
  const consider = (path: string, meta: SessionMeta | undefined, mtime?: number) => {
    if (!meta) {
      skippedFiles++;
      return;
    }
    const cwd = resolve(meta.cwd);
    const rank = rankSession(cwd, target);
    if (rank === undefined) return;
    mtime ??= mtimeOf(path);
    if (mtime === undefined) {
      skippedFiles++;
      return;
    }
    const found = summary(path, meta, new Date(mtime), rank);
    candidates.push(found);
    if (rank === 2) parentLength.set(found, cwd.length);
  };
  for (const path of files) {
    if (!isCompressedRollout(path)) {
      consider(path, readMeta(path));
      continue;
    }
    const { meta, stamp } = heads.cached(path);
    if (stamp === undefined) {
      skippedFiles++;
      continue;
    }
    const found = meta ?? heads.readQuick(path, stamp);
    if (found === LATER) toDecode.push({ path, stamp });
    else consider(path, found, stamp.mtime);
  }
  const decoded = await mapBounded(
    toDecode,
    DECODE_CONCURRENCY,
    (f) => heads.read(f.path, f.stamp),
  );
  toDecode.forEach((f, i) => consider(f.path, decoded[i], f.stamp.mtime));
  return { candidates, matched: candidates.length, skippedFiles, parentLength };
}

/** All mode: stat everything, then read heads newest first only until `limit` sessions are found. */
async function scanAll(files: string[], limit: number, cache: HeadCache): Promise<Scan> {
  const stamped: { path: string; mtime: number; stamp?: Stamp; meta?: SessionMeta | undefined }[] =
    [];
  const heads = createCompressedHeads(cache);
  let skippedFiles = 0;
  for (const path of files) {
    if (isCompressedRollout(path)) {
      const { stamp, meta } = heads.cached(path);
      if (stamp === undefined) skippedFiles++;
      else stamped.push({ path, mtime: stamp.mtime, stamp, meta });
      continue;
    }
    const mtime = mtimeOf(path);
    if (mtime === undefined) skippedFiles++;
    else stamped.push({ path, mtime });
  }
  stamped.sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const candidates: SessionSummary[] = [];
  const seen = new Set<string>();
  let copies = 0;
  for (const { path, mtime, stamp, meta: cached } of stamped) {
    if (limit > 0 && candidates.length === limit) break;
    // a compressed head comes from the first pass's cache lookup (no second stat), else is read
    const meta = stamp === undefined ? readMeta(path) : cached ?? await heads.read(path, stamp);
    if (!meta) skippedFiles++;
    else if (seen.has(meta.id)) copies++;
    else {
      seen.add(meta.id);
      candidates.push(summary(path, meta, new Date(mtime)));
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

/** Whether `path` is a rollout of session `id` (its name ends with the id). */
export function isRolloutOfId(path: string, id: string): boolean {
  return path.endsWith(`-${id}.jsonl`) || path.endsWith(`-${id}.jsonl.zst`);
}

/** The rollout of session `id` among `files`, if any. */
function fileOfId(files: readonly string[], id: string): string | undefined {
  return files.find((f) => isRolloutOfId(f, id));
}

/** Forks nested deeper than this are not followed for their first prompt. */
const MAX_FORK_DEPTH = 4;

/**
 * The first prompt of a session: a fork's history starts with its parent's, so its first prompt is
 * the parent's (within the part it inherits) when the parent's rollout is still there.
 */
async function firstPromptOf(
  path: string,
  files: readonly string[],
  limit?: number,
  depth = 0,
): Promise<PromptRead> {
  const own = await readFirstPrompt(path, limit === undefined ? {} : { limit });
  const base = own.historyBase;
  if (base === undefined || depth >= MAX_FORK_DEPTH) return own;
  const parent = fileOfId(files, base.threadId);
  if (parent === undefined || parent === path) return own;
  const inherited = await firstPromptOf(parent, files, base.endByteOffset, depth + 1)
    .catch(() => undefined);
  if (inherited?.prompt === undefined) return own;
  return {
    ...own,
    prompt: inherited.prompt,
    malformedLines: own.malformedLines + inherited.malformedLines,
  };
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
  const listing = listRolloutFiles(
    sessionsDir,
    options.readDir === undefined ? {} : { readDir: options.readDir },
  );
  if (listing === undefined) {
    return {
      sessions: [],
      matched: 0,
      scanned: 0,
      skippedFiles: 0,
      malformedLines: 0,
      missingFolder: true,
      unreadableFolders: [],
    };
  }
  const { files } = listing;
  const cache = await loadHeadCache(options.headCacheFile);
  const scan = options.project === undefined
    ? await scanAll(files, limit, cache)
    : await scanForProject(files, options.project, { os, realPath, cache });
  if (options.saveHeadCache !== false) await cache.save(new Set(files));
  const sorted = firstOfEachId(scan.candidates.sort(byRankThenNewest(scan.parentLength)));
  const matched = scan.matched - (scan.candidates.length - sorted.length);
  const shown = sorted.slice(0, limit > 0 ? limit : undefined);
  let malformedLines = 0;
  await mapBounded(options.prompts === false ? [] : shown, concurrency, async (session) => {
    const read = await firstPromptOf(session.path, files).catch(() => undefined);
    session.prompt = read?.prompt;
    // A remembered head keeps only what the scan needs: the rest comes from the first line.
    session.originator ||= read?.meta?.originator ?? "";
    session.cliVersion ||= read?.meta?.cliVersion ?? "";
    session.startedAt ||= read?.meta?.startedAt ?? "";
    malformedLines += read?.malformedLines ?? 0;
  });
  return {
    sessions: shown,
    matched,
    scanned: files.length,
    skippedFiles: scan.skippedFiles,
    malformedLines,
    missingFolder: false,
    unreadableFolders: listing.unreadable,
  };
}
