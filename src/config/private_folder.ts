/** Keeps `~/.codex-proxy` (keys, switch records, the request log) private to its owner. */

/** Options of {@linkcode makeFolderPrivate}. */
export interface MakeFolderPrivateOptions {
  /** Defaults to the running OS; folder modes mean nothing on Windows. */
  os?: string;
  /** The current user's id; defaults to `Deno.uid()`. */
  uid?: number | null;
}

/** What {@linkcode makeFolderPrivate} found and did. */
export type PrivateFolderResult =
  | { kind: "private" }
  | { kind: "tightened"; from: number; to: number }
  | { kind: "failed"; from: number; error: Error };

/**
 * Removes the group and other permission bits of an existing folder `dir` that the current user
 * owns (an absent folder, a file, another user's folder, an unknown user and Windows are left
 * alone: `private`).
 */
export async function makeFolderPrivate(
  dir: string,
  options: MakeFolderPrivateOptions = {},
): Promise<PrivateFolderResult> {
  if ((options.os ?? Deno.build.os) === "windows") return { kind: "private" };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch {
    return { kind: "private" }; // absent or unreadable: the command itself reports what matters
  }
  const uid = options.uid === undefined ? currentUid() : options.uid;
  if (!info.isDirectory || info.mode === null || uid === null || info.uid !== uid) {
    return { kind: "private" };
  }
  const from = info.mode & 0o777;
  if ((from & 0o077) === 0) return { kind: "private" };
  const to = from & 0o700;
  try {
    await Deno.chmod(dir, to);
  } catch (error) {
    return {
      kind: "failed",
      from,
      error: error instanceof Error ? error : new Error(String(error)),
    };
  }
  return { kind: "tightened", from, to };
}

/** `Deno.uid()`, or `null` where it is not granted (scripts/start.ts grants no sys access). */
function currentUid(): number | null {
  try {
    return Deno.uid();
  } catch {
    return null;
  }
}

/** The one line a command prints for `result`, or `undefined` when there is nothing to say. */
export function formatPrivateFolder(dir: string, result: PrivateFolderResult): string | undefined {
  const octal = (mode: number) => mode.toString(8).padStart(4, "0");
  if (result.kind === "tightened") {
    return `note: "${dir}" was open to other users (${octal(result.from)}); made it private (${
      octal(result.to)
    }): it holds your keys, switch records and request log`;
  }
  if (result.kind === "failed") {
    return `warning: "${dir}" is open to other users (${
      octal(result.from)
    }) and could not be made private (${result.error.message}); run: chmod 700 "${dir}"`;
  }
  return undefined;
}
