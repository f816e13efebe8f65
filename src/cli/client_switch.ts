/** Codex and Claude Code behind one interface, so `serve --switch` drives either the same way. */
import type { Paths } from "../config/paths.ts";
import type { Service } from "../config/schema.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { analyzeCodexConfig } from "../codex/config_toml.ts";
import { detectStaleSwitch, switchedPort } from "../codex/stale_switch.ts";
import { checkSwitchOn, switchOff, switchOn } from "../codex/switch.ts";
import { detectStaleClaudeSwitch } from "../claude/stale_switch.ts";
import { parseClaudeSettings, readSettingsEnv } from "../claude/settings_json.ts";
import { checkSwitchOnClaude, switchOffClaude, switchOnClaude } from "../claude/switch.ts";
import { loopbackPort, readClaudeSwitchState } from "../claude/switch_state.ts";
import type { CliContext } from "./context.ts";

/** A client whose settings file `serve --switch` points at the proxy and back. */
export interface ClientSwitch {
  /** "Codex" or "Claude Code". */
  client: string;
  /** The settings file switched. */
  file: string;
  /** The command that switches the client back by hand. */
  offCommand: string;
  /** The `serve` command line that switches on and off by itself. */
  serveCommand: string;
  /** Reads and parses everything switch-on will read; throws the file/line/column error; writes nothing. */
  check(port: number): Promise<void>;
  /** The port the client points at (only when it points at codex-helper), else `undefined`. */
  currentPort(): Promise<number | undefined>;
  /** A switch left behind by a process that is gone: its port and one sentence. */
  stale(): Promise<{ port: number; message: string } | undefined>;
  /** Switches on to `port`; returns warnings. */
  on(port: number): Promise<string[]>;
  /** Switches off; returns notes. */
  off(): Promise<string[]>;
}

function codexSwitch(ctx: CliContext, paths: Paths): ClientSwitch {
  const file = paths.codexConfigToml;
  return {
    client: "Codex",
    file,
    offCommand: "codex-helper switch-off",
    serveCommand: "codex-helper serve --switch",
    check: (port) => checkSwitchOn(paths, port),
    async currentPort() {
      const text = await readTextIfExists(file);
      return text === undefined ? undefined : switchedPort(analyzeCodexConfig(text, file).value);
    },
    async stale() {
      const found = await detectStaleSwitch(paths);
      return found && { port: found.port, message: found.message };
    },
    async on(port) {
      return (await switchOn(paths, { port, env: ctx.env })).warnings;
    },
    async off() {
      const result = await switchOff(paths);
      if (result.status === "no-record") {
        throw new Error(`it points at codex_proxy, but there is no switch record and no backup`);
      }
      return result.notes;
    },
  };
}

function claudeSwitch(ctx: CliContext, paths: Paths): ClientSwitch {
  const file = paths.claudeSettings;
  return {
    client: "Claude Code",
    file,
    offCommand: "codex-helper switch-off --claude",
    serveCommand: "codex-helper serve --claude --switch",
    check: () => checkSwitchOnClaude(paths),
    async currentPort() {
      const text = await readTextIfExists(file);
      if (text === undefined) return undefined;
      const port = loopbackPort(
        readSettingsEnv(parseClaudeSettings(text, file), "ANTHROPIC_BASE_URL"),
      );
      return port !== undefined && (await readClaudeSwitchState(paths))?.port === port
        ? port
        : undefined;
    },
    async stale() {
      const health = await detectStaleClaudeSwitch(paths);
      const dead = health.status === "stale" || health.status === "other";
      return dead && health.port !== undefined
        ? { port: health.port, message: `${health.message} ("${file}")` }
        : undefined;
    },
    async on(port) {
      return (await switchOnClaude(paths, { port, env: ctx.env })).warnings;
    },
    async off() {
      const result = await switchOffClaude(paths);
      if (result.action === "nothing-to-restore") throw new Error(result.message);
      return result.warnings;
    },
  };
}

/** The switch of the client `service` serves. */
export function clientSwitch(ctx: CliContext, service: Service): ClientSwitch {
  const paths = ctx.paths();
  return service === "claude" ? claudeSwitch(ctx, paths) : codexSwitch(ctx, paths);
}
