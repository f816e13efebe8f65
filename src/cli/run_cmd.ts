/** `run`: one Codex (or Claude Code) session through the proxy, editing no file. */
import type { Command } from "commander";
import { findConfigName } from "../config/edit_section.ts";
import type { Service } from "../config/schema.ts";
import { readConfig } from "../config/store.ts";
import { CliError } from "../errors.ts";
import { ChildExit } from "./child_exit.ts";
import { claudeRunOverrides, type ClientOverrides } from "../run/claude_overrides.ts";
import { needsPlaceholderToken } from "../run/claude_credential.ts";
import {
  checkRunPermission,
  CLIENT_PROGRAMS,
  type ClientCommand,
  resolveClientCommand,
  RunNotPermittedError,
} from "../run/client_command.ts";
import { planCodexRun } from "../run/codex_run_args.ts";
import { findReusableProxy } from "../run/reusable_proxy.ts";
import { spawnClient } from "../run/spawn_client.ts";
import { readSwitchedPort } from "../run/switched_port.ts";
import { escapeControl } from "../text/escape_control.ts";
import type { CliContext } from "./context.ts";
import { parsePortOption } from "./number_options.ts";
import { DEFAULT_PORTS, runServe, type ServeHandle } from "./serve_cmd.ts";
import { serviceOf } from "./section_flag.ts";

/** Options of {@linkcode runThroughProxy}. */
export interface RunOptions {
  service: Service;
  /** Where a running codex-helper may already serve (default: the switched port, else the default). */
  port?: number;
  /** The config to use (name or alias); the active one when undefined. */
  configName?: string;
  /** How long the proxy started here lets in-flight requests finish once the client exits. */
  graceMs?: number;
}

const CLIENT_NAMES: Record<Service, string> = { codex: "Codex", claude: "Claude Code" };

/** The config `run` asks for, by its name (an alias resolved); undefined for "the active one". */
async function resolveConfigName(
  ctx: CliContext,
  service: Service,
  name: string | undefined,
): Promise<string | undefined> {
  if (name === undefined) return undefined;
  const { config } = await readConfig(ctx.paths());
  return findConfigName(config[service], name, { label: service });
}

/** The proxy to use: a running codex-helper on `port`, or one started here on a free port. */
async function obtainProxy(
  ctx: CliContext,
  options: RunOptions & { port: number },
): Promise<{ url: string; started: ServeHandle | undefined }> {
  const { service, port } = options;
  const lookup = await findReusableProxy(port, {
    service,
    configName: options.configName,
  });
  if (lookup.reuse) {
    const s = lookup.status;
    ctx.err(
      `codex-helper: using the proxy on port ${port} (pid ${s.pid}, config "${
        escapeControl(s.active_config ?? "")
      }")`,
    );
    return { url: `http://127.0.0.1:${port}`, started: undefined };
  }
  if (lookup.reason !== undefined) ctx.err(`codex-helper: ${lookup.reason}; starting another`);
  const handle = await runServe(ctx, {
    service,
    port: 0,
    host: "127.0.0.1",
    ...(options.configName !== undefined ? { configName: options.configName } : {}),
  });
  const url = `http://127.0.0.1:${handle.addr.port}`;
  ctx.err(
    `codex-helper: proxy on ${url} (config "${escapeControl(handle.active.configName ?? "")}"), ` +
      `stopped when ${CLIENT_NAMES[service]} exits`,
  );
  return { url, started: handle };
}

/** Reads and checks all the client needs before a proxy starts; the result only wants its URL. */
async function planOverrides(
  ctx: CliContext,
  service: Service,
  client: ClientCommand,
): Promise<(url: string) => ClientOverrides> {
  if (service === "codex") return (await planCodexRun(ctx.paths(), client.args)).overrides;
  claudeRunOverrides("http://127.0.0.1", client.args, { placeholderToken: false }); // --settings
  const placeholderToken = await needsPlaceholderToken(ctx.paths(), {
    env: ctx.env,
    warn: (message) => ctx.err(`warning: ${message}`),
  });
  return (url) => claudeRunOverrides(url, client.args, { placeholderToken });
}

/**
 * Runs the client `argv` (program and arguments) through the proxy and returns its exit code.
 * A codex-helper already serving the port (and config) is reused; otherwise one is started
 * in this process on a free loopback port and stopped when the client exits.
 */
export async function runThroughProxy(
  ctx: CliContext,
  argv: readonly string[],
  options: RunOptions,
): Promise<number> {
  const { service } = options;
  // first: without the permission, a PATH lookup would only say "not found"
  checkRunPermission(argv[0] || CLIENT_PROGRAMS[service]);
  const client = resolveClientCommand(argv, { service, env: ctx.env });
  checkRunPermission(client.path);
  const overridesFor = await planOverrides(ctx, service, client);
  const configName = await resolveConfigName(ctx, service, options.configName);
  const { url, started } = await obtainProxy(ctx, {
    ...options,
    port: options.port ?? await readSwitchedPort(ctx.paths(), service) ?? DEFAULT_PORTS[service],
    ...(configName !== undefined ? { configName } : {}),
  });
  try {
    const overrides = overridesFor(url);
    return await spawnClient(client.path, {
      args: [...overrides.args, ...client.args],
      env: overrides.env,
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof Deno.errors.NotCapable) throw new RunNotPermittedError(client.path);
    throw new CliError(
      `Cannot start "${escapeControl(client.path)}": ${
        error instanceof Error ? error.message : String(error)
      }`,
      { hint: "check that it is an executable program", cause: error },
    );
  } finally {
    await started?.shutdown(options.graceMs ?? 1000);
  }
}

/** Registers `run`. */
export function registerRunCommands(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description(
      "run Codex (or Claude Code with --claude) through the proxy for one session, editing no file",
    )
    .argument("[command...]", "the client and its arguments, after --")
    .option("--claude", "run Claude Code (the claude section of config.json)")
    .option(
      "--port <port>",
      `use a codex-helper already serving this port (default: the switched-on port, else ` +
        `${DEFAULT_PORTS.codex}; ${DEFAULT_PORTS.claude} with --claude)`,
      // 1 to 65535: a running codex-helper has a real port
      (text: string) => parsePortOption(text),
    )
    .option("--config <name>", "the config to use (default: the active one)")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper run                                 start Codex through the proxy
  codex-helper run -- codex exec "fix the tests"   any Codex command line after --
  codex-helper run -- codex resume <ID>            resume through the proxy (its own provider)
  codex-helper run --config backup -- codex        another config than the active one
  codex-helper run --claude -- claude -p "hello"   Claude Code through the proxy

Codex gets -c overrides that send its own model provider (same id) to the proxy, so sessions
made this way resume with or without codex-helper; Claude Code gets ANTHROPIC_BASE_URL (and a
placeholder token if it has no credential) through --settings and its environment. No file is
changed. A codex-helper already serving the port (and the config) is used; otherwise one starts
on a free loopback port and stops when the client exits. Ctrl-C, SIGTERM and SIGHUP go to the
client; the exit code is the client's.`,
    )
    .action(
      async (command: string[], opts: { claude?: boolean; port?: number; config?: string }) => {
        const code = await runThroughProxy(ctx, command, {
          service: serviceOf(opts),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.config !== undefined ? { configName: opts.config } : {}),
        });
        if (code !== 0) throw new ChildExit(code);
      },
    );
}
