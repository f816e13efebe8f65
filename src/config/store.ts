/** Loading and saving config.json: atomic, 0600, with a `.bak`, under a cross-process lock. */
import { copyFile } from "node:fs/promises";
import { dirname } from "node:path";
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { resolveLink } from "../fs/user_file.ts";
import { parseJsonText } from "../fs/json_file.ts";
import type { Paths } from "./paths.ts";
import {
  createEmptyConfig,
  formatConfigJson,
  type HelperConfig,
  validateConfig,
} from "./schema.ts";

/** What {@linkcode readConfig} found. */
export interface LoadedConfig {
  config: HelperConfig;
  /** False when config.json does not exist yet ("no configs yet"). */
  exists: boolean;
}

/** Parses config.json text; throws with file/line/column or the failing field path. */
export function parseConfigText(text: string, file: string): HelperConfig {
  return validateConfig(parseJsonText(text, file), file, { text });
}

/** Serialises the config the way it is stored: 2-space JSON and a final newline. */
export function formatConfig(config: HelperConfig): string {
  return `${formatConfigJson(config)}\n`;
}

/** Reads config.json. A missing file is an empty config; a broken one throws and is not touched. */
export async function readConfig(paths: Pick<Paths, "configJson">): Promise<LoadedConfig> {
  const text = await readTextIfExists(paths.configJson);
  if (text === undefined) return { config: createEmptyConfig(), exists: false };
  return { config: parseConfigText(text, paths.configJson), exists: true };
}

/**
 * Re-reads config.json under the lock, lets `edit` change it, and saves the result atomically
 * (the previous version kept as `config.json.bak`). Two processes editing at once both land.
 * A symlinked config.json stays a symlink: the file it points at is written.
 * An edit that changes nothing writes nothing; to abort, throw: nothing is written.
 */
export async function updateConfig<T>(
  paths: Pick<Paths, "configJson" | "configJsonBackup">,
  edit: (config: HelperConfig) => T | Promise<T>,
): Promise<T> {
  await Deno.mkdir(dirname(paths.configJson), { recursive: true, mode: 0o700 });
  return await withFileLock(paths.configJson, async () => {
    const { config, exists } = await readConfig(paths);
    const before = formatConfig(config);
    const result = await edit(config);
    const after = formatConfig(config);
    if (after === before) return result;
    if (exists) {
      await copyFile(paths.configJson, paths.configJsonBackup);
      if (Deno.build.os !== "windows") await Deno.chmod(paths.configJsonBackup, 0o600);
    }
    // a symlinked config.json (dotfile managers) stays a symlink: its target is written
    await writeFileAtomic(await resolveLink(paths.configJson), after, { mode: 0o600 });
    return result;
  });
}
