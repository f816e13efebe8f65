/**
 * `serve --switch`: point the client at the proxy once it listens, and back when it stops, so the
 * client never points at a dead port. Plain `serve` only warns about a switch left behind.
 */
import type { Service } from "../config/schema.ts";
import { CliError, UsageError } from "../errors.ts";
import { probeProxy } from "../proxy/probe.ts";
import { type ClientSwitch, clientSwitch } from "./client_switch.ts";
import type { CliContext } from "./context.ts";

/** The part of a running proxy `serve --switch` needs. */
export interface SwitchableServer {
  addr: Deno.NetAddr;
}

/** Options of {@linkcode prepareServeSwitch}. */
export interface ServeSwitchOptions {
  /** The service served: its client is switched (Codex for "codex", Claude Code for "claude"). */
  service: Service;
  /** `--switch` given. */
  enabled: boolean;
  /** The requested port, for the early check (0: any). */
  port: number;
  /** The listening address: the client is pointed at 127.0.0.1, so only that (or localhost) fits. */
  host?: string;
  /** Injectable for tests; defaults to the real client switch. */
  target?: ClientSwitch;
}

/** Drives the switch of one `serve` run. */
export interface ServeSwitch {
  /**
   * After listening: switches on (or, without `--switch`, warns about a stale switch). When this
   * throws, nothing is switched and the caller stops the server.
   */
  attach(server: SwitchableServer): Promise<void>;
  /** Before stopping: switches back (or hands back to an earlier proxy still running). */
  release(): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Before listening: with `--switch`, reads and parses the client's files so that a broken one
 * stops `serve` before it listens (nothing written). Returns the driver for the run.
 */
export async function prepareServeSwitch(
  ctx: CliContext,
  options: ServeSwitchOptions,
): Promise<ServeSwitch> {
  const target = options.target ?? clientSwitch(ctx, options.service);
  const host = options.host ?? "127.0.0.1";
  if (options.enabled && host !== "127.0.0.1" && host !== "localhost") {
    throw new UsageError(`--switch needs --host 127.0.0.1, not "${host}"`, {
      hint: `the client is pointed at http://127.0.0.1:<port>; drop --host or --switch`,
    });
  }
  if (options.enabled) await target.check(options.port === 0 ? 1 : options.port);
  let port: number | undefined;
  let handBack: number | undefined;

  async function attach(server: SwitchableServer): Promise<void> {
    const bound = server.addr.port;
    const stale = await target.stale().catch(() => undefined);
    if (!options.enabled) {
      if (stale !== undefined) {
        ctx.err(
          `warning: ${stale.message}; run "${target.offCommand}", or "${target.serveCommand}" to switch while serving`,
        );
      }
      return;
    }
    const before = await target.currentPort();
    if (before !== undefined && before !== bound && stale === undefined) handBack = before;
    const warnings = await target.on(bound);
    port = bound;
    for (const w of warnings) ctx.err(`warning: ${w}`);
    if (stale !== undefined) {
      ctx.out(`Repaired a stale switch: ${stale.message}; ${target.client} now uses port ${bound}`);
    }
    ctx.out(
      `${target.client} now points at this proxy on port ${bound} ("${target.file}"); ` +
        `switched back when serve stops` +
        (handBack === undefined ? "" : ` (to the codex-helper on port ${handBack})`),
    );
  }

  async function release(): Promise<void> {
    if (port === undefined) return;
    const ours = port;
    port = undefined;
    try {
      const now = await target.currentPort();
      if (now !== ours) {
        const what = now === undefined
          ? "no longer points at codex-helper"
          : `points at port ${now}`;
        ctx.out(`${target.client} ${what} (changed while serving); left as is`);
        return;
      }
      if (handBack !== undefined && await probeProxy(handBack) === "codex-helper") {
        for (const w of await target.on(handBack)) ctx.err(`warning: ${w}`);
        ctx.out(`${target.client} points back at the codex-helper on port ${handBack}`);
        return;
      }
      for (const note of await target.off()) ctx.err(`note: ${note}`);
      ctx.out(`${target.client} switched back ("${target.file}")`);
    } catch (error) {
      throw new CliError(
        `Cannot switch ${target.client} back: ${message(error)}; ` +
          `${target.client} may still point at port ${ours}, where nothing answers once serve stops`,
        { hint: `fix it with "${target.offCommand}"`, cause: error },
      );
    }
  }

  return { attach, release };
}
