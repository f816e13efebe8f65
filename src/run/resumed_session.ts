/** `codex resume <id>` / `codex exec resume <id>`: the session Codex will resume, and its provider. */
import { readMetaFromPath } from "../codex/rollout_reader.ts";
import { listRolloutFiles } from "../codex/sessions.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The session id after a `resume` subcommand in Codex's arguments (the first UUID after it), or
 * undefined (no resume, `--last`, or a thread name); stops at `--`.
 *
 * @example
 * ```ts
 * parseResumedId(["exec", "resume", "01a2...", "go on"]); // "01a2..."
 * ```
 */
export function parseResumedId(args: readonly string[]): string | undefined {
  const end = args.indexOf("--");
  const head = end === -1 ? args : args.slice(0, end);
  const at = head.indexOf("resume");
  if (at === -1) return undefined;
  return head.slice(at + 1).find((a) => UUID.test(a));
}

/** The provider recorded by session `id` (its newest rollout under `sessionsDir`), if found. */
export async function readSessionProvider(
  sessionsDir: string,
  id: string,
): Promise<string | undefined> {
  const lower = id.toLowerCase();
  const files = (listRolloutFiles(sessionsDir)?.files ?? []).filter((f) => {
    const name = f.toLowerCase();
    return name.endsWith(`-${lower}.jsonl`) || name.endsWith(`-${lower}.jsonl.zst`);
  });
  let best: { provider: string; mtime: number } | undefined;
  for (const path of files) {
    const scan = await readMetaFromPath(path).catch(() => undefined);
    if (scan?.kind !== "meta" || scan.meta.id.toLowerCase() !== lower) continue;
    if (scan.meta.modelProvider === "") continue;
    const mtime = (await Deno.stat(path).catch(() => undefined))?.mtime?.getTime() ?? 0;
    if (best === undefined || mtime > best.mtime) {
      best = { provider: scan.meta.modelProvider, mtime };
    }
  }
  return best?.provider;
}
