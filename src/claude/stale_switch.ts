/** Finds a Claude Code switch that points at a proxy which no longer runs. */
import type { Paths } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { parseClaudeSettings, readSettingsEnv } from "./settings_json.ts";
import { type ProbePort, probeProxy } from "../proxy/probe.ts";
import { loopbackPort, readClaudeSwitchState } from "./switch_state.ts";
import { redactUrl } from "../config/redact_url.ts";

/** Options of {@linkcode detectStaleClaudeSwitch}. */
export interface DetectStaleClaudeSwitchOptions {
  /** Used by the default probe. */
  fetch?: typeof fetch;
  /** Overrides the probe entirely (e.g. the proxy's own `probeProxy`). */
  probe?: ProbePort;
}

/** The state of the Claude Code switch. */
export interface ClaudeSwitchHealth {
  /**
   * `live`: a codex-helper answers on the recorded port. `stale`: nothing answers there.
   * `other`: something else holds the port. `not-switched`: settings do not point at our proxy.
   * `unrecorded`: settings point at a local port without switch state. `unreadable`: a file is broken.
   */
  status: "live" | "stale" | "other" | "not-switched" | "unrecorded" | "unreadable";
  port: number | undefined;
  baseUrl: string | undefined;
  /** One sentence for the user. */
  message: string;
  /** What to run about it, when something is wrong. */
  fix: string | undefined;
}

/**
 * Checks whether settings.json points at `127.0.0.1:<port>` recorded by switch-on while no
 * codex-helper answers there (Claude Code would then fail every request).
 */
export async function detectStaleClaudeSwitch(
  paths: Pick<Paths, "claudeSettings" | "claudeSwitchState">,
  options: DetectStaleClaudeSwitchOptions = {},
): Promise<ClaudeSwitchHealth> {
  const probe = options.probe ??
    ((port: number) => probeProxy(port, options.fetch ? { fetch: options.fetch } : {}));
  const file = paths.claudeSettings;
  let baseUrl: string | undefined;
  let state;
  try {
    state = await readClaudeSwitchState(paths);
    const text = await readTextIfExists(file);
    baseUrl = text === undefined
      ? undefined
      : readSettingsEnv(parseClaudeSettings(text, file), "ANTHROPIC_BASE_URL");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: "unreadable", port: undefined, baseUrl, message, fix: "fix the file by hand" };
  }
  const port = loopbackPort(baseUrl);
  const none = { port, baseUrl, fix: undefined };
  if (port === undefined) {
    return { ...none, status: "not-switched", message: "Claude Code does not use a local proxy" };
  }
  if (state === undefined || state.port !== port) {
    return {
      ...none,
      status: "unrecorded",
      message: `"${file}" points at ${redactUrl(baseUrl ?? "")}, which codex-helper did not set`,
    };
  }
  const found = await probe(port);
  if (found === "codex-helper") {
    return { ...none, status: "live", message: `Claude Code uses the proxy on port ${port}` };
  }
  const fix =
    `run "codex-helper serve --claude --port ${port}", or "codex-helper switch-off --claude"`;
  if (found === "other") {
    return {
      ...none,
      fix,
      status: "other",
      message: `Claude Code points at port ${port}, but another program answers there`,
    };
  }
  return {
    ...none,
    fix,
    status: "stale",
    message: `Claude Code points at port ${port}, but no codex-helper is running there`,
  };
}
