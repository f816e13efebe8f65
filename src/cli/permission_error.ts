/** Turns Deno's refusal of a file access into the one-line message `main.ts` prints. */

/**
 * Formats a `Deno.errors.NotCapable` as `error: <what was refused>; <how to fix it>`.
 *
 * @example
 * ```ts
 * formatPermissionError(new Deno.errors.NotCapable('Requires read access to "/x", run again with the --allow-read flag'));
 * // 'error: Requires read access to "/x"; codex-helper only touches ...'
 * ```
 */
export function formatPermissionError(error: Error): string {
  const what = error.message.replace(/, run again with the --[a-z-]+ flag\.?$/, "");
  return `error: ${what}; codex-helper only touches the folders granted at launch ` +
    `($CODEX_HOME, $CLAUDE_CONFIG_DIR, $CODEX_PROXY_HOME, by default under your home): ` +
    `point those variables at granted folders, or grant the folder with --allow-read and --allow-write`;
}
