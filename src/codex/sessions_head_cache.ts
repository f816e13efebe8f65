/**
 * Remembers the `session_meta` of compressed rollouts between runs. Codex compresses a rollout once
 * it is idle and no longer changes it, but reading its first line means decompressing a whole zstd
 * block (up to 128 KB): thousands of them would take seconds. An entry counts only while the file's
 * size and modification time are the ones recorded; entries of files no longer listed are dropped.
 */
import { dirname } from "node:path";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import type { SessionMeta } from "./rollout_head.ts";

/** One remembered head: path, size, mtime (ms), id, cwd, provider. */
type Entry = [string, number, number, string, string, string];

/** Version 2: entries as arrays, the fields the scan needs (the rest is read for shown sessions). */
const VERSION = 2;

/** Cached heads of compressed rollouts. */
export interface HeadCache {
  /** The metadata of `path` if recorded for this size and mtime (without originator etc.). */
  get(path: string, size: number, mtimeMs: number): SessionMeta | undefined;
  set(path: string, size: number, mtimeMs: number, meta: SessionMeta): void;
  /** Writes the cache when it changed, keeping only `listed` files; failures are ignored. */
  save(listed: ReadonlySet<string>): Promise<void>;
}

function isEntry(value: unknown): value is Entry {
  return Array.isArray(value) && value.length === 6 && typeof value[0] === "string" &&
    typeof value[1] === "number" && typeof value[2] === "number" &&
    typeof value[3] === "string" && typeof value[4] === "string" && typeof value[5] === "string";
}

/** A cache that remembers nothing (no cache file given). */
function memoryOnly(): HeadCache {
  return { get: () => undefined, set: () => {}, save: () => Promise.resolve() };
}

/** Loads the cache at `file` (a missing or broken file is an empty cache). */
export async function loadHeadCache(file: string | undefined): Promise<HeadCache> {
  if (file === undefined) return memoryOnly();
  const entries = new Map<string, Entry>();
  try {
    const parsed = JSON.parse(await Deno.readTextFile(file));
    if (parsed?.version === VERSION && Array.isArray(parsed.entries)) {
      for (const entry of parsed.entries) {
        if (isEntry(entry)) entries.set(entry[0], entry);
      }
    }
  } catch {
    // Missing, unreadable or not ours: start afresh.
  }
  let changed = false;
  return {
    get(path, size, mtimeMs) {
      const e = entries.get(path);
      if (e === undefined || e[1] !== size || e[2] !== mtimeMs) return undefined;
      return {
        id: e[3],
        cwd: e[4],
        modelProvider: e[5],
        originator: "",
        cliVersion: "",
        startedAt: "",
      };
    },
    set(path, size, mtimeMs, m) {
      entries.set(path, [path, size, mtimeMs, m.id, m.cwd, m.modelProvider]);
      changed = true;
    },
    async save(listed) {
      for (const path of entries.keys()) {
        if (!listed.has(path)) {
          entries.delete(path);
          changed = true;
        }
      }
      if (!changed) return;
      try {
        await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const text = JSON.stringify({ version: VERSION, entries: [...entries.values()] });
        await writeFileAtomic(file, text, { mode: 0o600 });
        changed = false;
      } catch {
        // A cache only: the next run reads the heads again.
      }
    },
  };
}
