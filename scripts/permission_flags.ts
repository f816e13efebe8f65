/**
 * The permission flags codex-helper runs with: network and environment, and file access scoped to
 * its three data folders. Shared by `deno task start` (scripts/start.ts), `deno task compile` and
 * the tests that run the CLI under exactly these flags.
 */
import { fileURLToPath } from "node:url";
import type { Paths } from "../src/config/paths.ts";

/** The program's own modules, which a worker (`usage summary` on a big log) loads at run time. */
export const SOURCE_FOLDER: string = fileURLToPath(new URL("../src", import.meta.url));

/** OS information the CLI may query (the proxy's and doctor's platform line). */
export const SYS_APIS: readonly string[] = ["hostname", "osRelease"];

/** The folders codex-helper reads and writes: `$CODEX_HOME`, `$CLAUDE_CONFIG_DIR`, `$CODEX_PROXY_HOME`. */
export function dataFolders(
  paths: Pick<Paths, "codexHome" | "claudeHome" | "proxyHome">,
): string[] {
  return [paths.codexHome, paths.claudeHome, paths.proxyHome];
}

/** Options of {@linkcode formatRunPermissionFlags}. */
export interface RunPermissionFlagsOptions {
  /** Extra folders to read (e.g. the working directory, for `session --path`). */
  extraRead?: string[];
}

/**
 * Flags for `deno run`: net, env, a little sys, read/write scoped to the data folders, and read
 * of the program's source folder (worker modules).
 * Paths must not contain commas (Deno splits the list on them).
 *
 * @example
 * ```ts
 * formatRunPermissionFlags(resolvePaths());
 * // ["--allow-net", "--allow-env", "--allow-sys=hostname,osRelease", "--allow-read=/home/u/.codex,...", ...]
 * ```
 */
export function formatRunPermissionFlags(
  paths: Pick<Paths, "codexHome" | "claudeHome" | "proxyHome">,
  options: RunPermissionFlagsOptions = {},
): string[] {
  const folders = dataFolders(paths);
  const read = [...folders, SOURCE_FOLDER, ...(options.extraRead ?? [])];
  for (const path of read) {
    if (path.includes(",")) {
      throw new Error(
        `Cannot grant access to "${path}": Deno permission lists cannot hold a comma`,
      );
    }
  }
  return [
    "--allow-net",
    "--allow-env",
    `--allow-sys=${SYS_APIS.join(",")}`,
    `--allow-read=${read.join(",")}`,
    `--allow-write=${folders.join(",")}`,
    "--no-prompt",
  ];
}

/**
 * Flags baked into a compiled binary. The user's home is unknown at build time, so file access
 * is granted unscoped; the program itself only opens paths that `src/config/paths.ts` names.
 * `run` starts the client it is given (codex, claude: their paths are unknown at build time too);
 * no other command starts a program.
 */
export const COMPILE_PERMISSION_FLAGS: readonly string[] = [
  "--allow-net",
  "--allow-env",
  `--allow-sys=${SYS_APIS.join(",")}`,
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--no-prompt",
];
