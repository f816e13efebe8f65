/** What `switch-on --claude` changed in settings.json, so `switch-off --claude` undoes only that. */
import { readTextIfExists, writeFileAtomic } from "../fs/atomic_write.ts";
import { parseJsonText } from "../fs/json_file.ts";
import { CliError } from "../errors.ts";
import type { Paths } from "../config/paths.ts";

/** The contents of `switch_state.claude.json`. */
export interface ClaudeSwitchState {
  version: 1;
  /** The proxy port `env.ANTHROPIC_BASE_URL` points at. */
  port: number;
  /** False when switch-on created settings.json; switch-off then removes it again. */
  settingsExisted: boolean;
  /** True when switch-on created the `env` object. */
  envCreated: boolean;
  /** `env.ANTHROPIC_BASE_URL` before switch-on; `null` when it was absent. */
  previousBaseUrl: string | null;
  /** The placeholder `ANTHROPIC_AUTH_TOKEN` switch-on added, or `null`. */
  addedAuthToken: string | null;
  /**
   * SHA-256 of the settings text switch-on wrote. When the file still hashes to it, switch-off
   * restores the pre-switch bytes exactly; `null` once the file is known to have been edited.
   */
  writtenSha256: string | null;
  /** ISO time of the first switch-on. */
  switchedAt: string;
}

/** The state file exists but is not one codex-helper wrote. */
export class ClaudeSwitchStateError extends CliError {
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`Invalid "${file}": ${problem}`, {
      hint: `delete "${file}" and restore settings.json from its .codex-proxy-backup if needed`,
      ...options,
    });
    this.name = "ClaudeSwitchStateError";
  }
}

/** Parses the state file's text; throws {@linkcode ClaudeSwitchStateError} on a wrong shape. */
export function parseClaudeSwitchState(text: string, file: string): ClaudeSwitchState {
  const value = parseJsonText(text, file) as Record<string, unknown> | null;
  const fail = (problem: string): never => {
    throw new ClaudeSwitchStateError(file, problem);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const port = value.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail("port is not a port number");
  }
  const nullableString = (key: string) => {
    const v = value[key];
    if (v !== null && v !== undefined && typeof v !== "string") fail(`${key} is not a string`);
    return typeof v === "string" ? v : null;
  };
  return {
    version: 1,
    port: port as number,
    settingsExisted: value.settingsExisted !== false,
    envCreated: value.envCreated === true,
    previousBaseUrl: nullableString("previousBaseUrl"),
    addedAuthToken: nullableString("addedAuthToken"),
    writtenSha256: nullableString("writtenSha256"),
    switchedAt: nullableString("switchedAt") ?? "",
  };
}

/** Reads the state file, or `undefined` when Claude Code is not switched on. */
export async function readClaudeSwitchState(
  paths: Pick<Paths, "claudeSwitchState">,
): Promise<ClaudeSwitchState | undefined> {
  const text = await readTextIfExists(paths.claudeSwitchState);
  return text === undefined ? undefined : parseClaudeSwitchState(text, paths.claudeSwitchState);
}

/** Writes the state file atomically (0600). */
export async function writeClaudeSwitchState(
  paths: Pick<Paths, "claudeSwitchState">,
  state: ClaudeSwitchState,
): Promise<void> {
  await writeFileAtomic(paths.claudeSwitchState, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state file; a missing one is fine. */
export async function removeClaudeSwitchState(
  paths: Pick<Paths, "claudeSwitchState">,
): Promise<void> {
  await Deno.remove(paths.claudeSwitchState).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** The base URL switch-on writes for `port`. */
export function proxyBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The port of a loopback http URL (127.0.0.1, localhost, ::1), or `undefined`. */
export function loopbackPort(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== "http:") return undefined;
    if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) return undefined;
    return u.port === "" ? 80 : Number(u.port);
  } catch {
    return undefined;
  }
}
