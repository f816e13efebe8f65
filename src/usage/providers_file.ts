/** Reading usage_providers.json from disk: created when missing, never overwritten. */
import { dirname, join } from "node:path";
import { CliError } from "../errors.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import {
  DEFAULT_USAGE_PROVIDERS,
  formatUsageProviders,
  parseUsageProvidersText,
  type UsageProvider,
} from "./providers.ts";

/** What {@linkcode loadUsageProviders} found. */
export interface LoadedUsageProviders {
  providers: UsageProvider[];
  /** True when the file was missing and the default was written. */
  created: boolean;
  /** False when the file is missing (and was not created): the providers are the defaults. */
  exists: boolean;
}

/** Options of {@linkcode loadUsageProviders}. */
export interface LoadUsageProvidersOptions {
  /** Write the default file when it is missing. Defaults to true; `doctor` passes false. */
  createIfMissing?: boolean;
}

/**
 * Reads usage_providers.json, creating the default file when it is missing. An existing file,
 * broken or not, is never written: a broken one throws (file, line, column).
 */
export async function loadUsageProviders(
  file: string,
  options: LoadUsageProvidersOptions = {},
): Promise<LoadedUsageProviders> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw toFileAccessError(error, file);
    const defaults = structuredClone(DEFAULT_USAGE_PROVIDERS.providers);
    if (options.createIfMissing === false) {
      return { providers: defaults, created: false, exists: false };
    }
    const text = formatUsageProviders(DEFAULT_USAGE_PROVIDERS.providers);
    if (await createFileIfMissing(file, text)) {
      return { providers: defaults, created: true, exists: true };
    }
    return loadUsageProviders(file, options); // another process created it meanwhile
  }
  return { providers: parseUsageProvidersText(text, file), created: false, exists: true };
}

/** The providers `serve` polls, or why polling is off (a broken file: its message and hint). */
export type UsageProvidersState =
  | { ok: true; providers: UsageProvider[]; created: boolean }
  | { ok: false; error: CliError };

/** Like {@linkcode loadUsageProviders}, but a broken file is a value: polling stays off. */
export async function readUsageProvidersState(file: string): Promise<UsageProvidersState> {
  try {
    const { providers, created } = await loadUsageProviders(file);
    return { ok: true, providers, created };
  } catch (error) {
    if (error instanceof CliError) return { ok: false, error };
    return {
      ok: false,
      error: new CliError(`Cannot read "${file}": ${(error as Error).message}`, {
        hint: "check the file's permissions",
        cause: error,
      }),
    };
  }
}

/** Writes a whole temp file, then hard-links it into place: readers never see half a file, and an existing file is never replaced. */
async function createFileIfMissing(file: string, text: string): Promise<boolean> {
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.usage_providers.${Deno.pid}.${crypto.randomUUID()}.tmp`);
  await Deno.writeTextFile(tmp, text, { createNew: true, mode: 0o600 });
  try {
    await Deno.link(tmp, file);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    // a file system without hard links: exclusive create (still never overwrites)
    try {
      await Deno.writeTextFile(file, text, { createNew: true, mode: 0o600 });
      return true;
    } catch (inner) {
      if (inner instanceof Deno.errors.AlreadyExists) return false;
      throw new Error(`Cannot create "${file}"`, { cause: inner });
    }
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
