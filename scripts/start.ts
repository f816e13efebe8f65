// deno-lint-ignore-file no-console
/**
 * `deno task start`: runs `main.ts` with file access scoped to the data folders as resolved from
 * HOME (USERPROFILE), CODEX_HOME, CLAUDE_CONFIG_DIR and CODEX_PROXY_HOME at launch. deno task's
 * shell has no `${VAR:-default}`, hence this launcher.
 *
 * Spawns `deno` from PATH (the name `--allow-run=deno` grants).
 *
 * Usage: deno run --allow-env --allow-run=deno scripts/start.ts [codex-helper args, default: serve]
 */
import { fileURLToPath } from "node:url";
import { resolvePaths } from "../src/config/paths.ts";
import { formatRunPermissionFlags } from "./permission_flags.ts";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Builds the `deno run` argument list for `args` under the scoped permissions. */
export function formatStartArgs(
  args: string[],
  options: { env?: (name: string) => string | undefined } = {},
): string[] {
  const paths = resolvePaths(options.env ? { env: options.env } : {});
  return [
    "run",
    ...formatRunPermissionFlags(paths),
    MAIN_TS,
    ...(args.length > 0 ? args : ["serve"]),
  ];
}

if (import.meta.main) {
  let args: string[];
  try {
    args = formatStartArgs(Deno.args);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
  const child = new Deno.Command("deno", { args }).spawn();
  // Ctrl-C reaches the child too (same process group): wait for it to shut down cleanly.
  Deno.addSignalListener("SIGINT", () => {});
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => child.kill("SIGTERM"));
  const status = await child.status;
  Deno.exit(status.code);
}
