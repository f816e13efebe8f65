/** Turning the operating system's refusal to read a file into a message that names it and the fix. */
import { CliError } from "../errors.ts";

/** A file (or folder) that exists but cannot be read. */
export class FileAccessError extends CliError {
  readonly file: string;
  constructor(file: string, reason: string, options: { hint: string; cause: unknown }) {
    super(`Cannot read "${file}": ${reason}`, options);
    this.name = "FileAccessError";
    this.file = file;
  }
}

/** The {@linkcode FileAccessError} of a folder found where `file` should be. */
export function folderInPlaceError(file: string, cause?: unknown): FileAccessError {
  return new FileAccessError(file, "it is a folder, not a file", {
    hint: "move the folder out of the way; it was left untouched",
    cause,
  });
}

/**
 * Translates an error of reading `file` into a {@linkcode FileAccessError}. Errors that already
 * speak to the user (`CliError`) and Deno's permission refusals (`NotCapable`, reported by
 * `main.ts`) are returned unchanged.
 *
 * @example
 * ```ts
 * toFileAccessError(new Deno.errors.IsADirectory("..."), "/h/.codex/config.toml").message;
 * // 'Cannot read "/h/.codex/config.toml": it is a folder, not a file'
 * ```
 */
export function toFileAccessError(error: unknown, file: string): unknown {
  if (error instanceof CliError || error instanceof Deno.errors.NotCapable) return error;
  if (error instanceof Deno.errors.IsADirectory) return folderInPlaceError(file, error);
  if (error instanceof Deno.errors.NotADirectory) {
    return new FileAccessError(file, "it, or a folder on its path, is a file, not a folder", {
      hint: "move that file out of the way; nothing was changed",
      cause: error,
    });
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new FileAccessError(file, "permission denied", {
      hint: "give your user read access to it (chmod u+r); it was left untouched",
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new FileAccessError(file, reason, {
    hint: "check the file and its folder; nothing was changed",
    cause: error,
  });
}
