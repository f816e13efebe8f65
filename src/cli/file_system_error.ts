/** The fix to print after an operating-system file error that no command translated itself. */

/**
 * The hint for a file-system error (Deno's message already names the operation and the path),
 * or `undefined` for any other error.
 *
 * @example
 * ```ts
 * fileSystemErrorHint(new Deno.errors.NotADirectory("Not a directory (os error 20): mkdir '/f/x'"));
 * // "a file is in the way of a folder on that path: move it aside, or point ... elsewhere"
 * ```
 */
export function fileSystemErrorHint(error: unknown): string | undefined {
  const where = "or point CODEX_HOME, CODEX_PROXY_HOME or CLAUDE_CONFIG_DIR elsewhere";
  if (error instanceof Deno.errors.NotADirectory) {
    return `a file is in the way of a folder on that path: move it aside, ${where}`;
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return `a folder is in the way of a file on that path: move it aside, ${where}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `give your user access to that path, ${where}`;
  }
  if (error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotFound) {
    return "check that path and try again";
  }
  return undefined;
}
