/** `serve`: run the streaming proxy in the foreground. */
import type { Command } from "commander";
import type { Service } from "../config/schema.ts";
import { createDashboard } from "../dashboard/dashboard.ts";
import { readConfig } from "../config/store.ts";
import { CliError } from "../errors.ts";
import { createRequestFilter, requireValidFilterFile } from "../proxy/filter.ts";
import { createHandler } from "../proxy/handler.ts";
import {
  type ActiveConfig,
  createFileConfigSource,
  pinActiveConfig,
  toActiveConfig,
} from "../proxy/live_config.ts";
import { findConfigName } from "../config/edit_section.ts";
import { checkActive, ensureConfigs, requireFilterTarget } from "./serve_preflight.ts";
import { type QuotaLink, type QuotaLinkTuning, startQuotaLink } from "../proxy/quota_link.ts";
import { isLoopbackHost } from "../proxy/security.ts";
import { PortInUseError, startServer } from "../proxy/server.ts";
import { fetchProxyStatus } from "../proxy/probe.ts";
import { createCounters, type ProxyCounters } from "../proxy/status.ts";
import { UpstreamPool } from "../proxy/upstream_pool.ts";
import { createLedger, type Ledger } from "../usage/ledger.ts";
import type { CliContext } from "./context.ts";
import { parsePortOption } from "./number_options.ts";
import { serviceOf } from "./section_flag.ts";
import { prepareServeSwitch, type ServeSwitch } from "./serve_switch.ts";
import { escapedContext } from "./escaped_context.ts";

/** The default port of each service's proxy. */
export const DEFAULT_PORTS: Record<Service, number> = { codex: 3211, claude: 3210 };

/** Options of {@linkcode runServe}. */
export interface ServeOptions {
  service?: Service;
  port?: number;
  host?: string;
  /** How often config.json and filter.json may be checked for changes. */
  checkIntervalMs?: number;
  fetch?: typeof fetch;
  /** Test seams of the quota poller (balance fetch, timers, clock, timeouts). */
  quota?: QuotaLinkTuning;
  /** Serve this config (name or alias) instead of the active one (`run --config`). */
  configName?: string;
}

/** A running proxy. */
export interface ServeHandle {
  addr: Deno.NetAddr;
  active: ActiveConfig;
  pool: UpstreamPool;
  counters: ProxyCounters;
  ledger: Ledger;
  quota: QuotaLink;
  /** The dashboard's address with its key (null when the proxy listens on no loopback address). */
  dashboardUrl: string | null;
  /** Stops accepting, lets in-flight streams finish for `graceMs` (default 5 s), then cuts them. */
  shutdown(graceMs?: number): Promise<void>;
  finished: Promise<void>;
}

/** Starts the proxy for `service` and returns its handle (the caller decides when to stop). */
export async function runServe(ctx: CliContext, options: ServeOptions = {}): Promise<ServeHandle> {
  const service = options.service ?? "codex";
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORTS[service];
  const paths = ctx.paths();
  await requireFilterTarget(paths.filterJson);
  await requireValidFilterFile(paths.filterJson); // no start without the redaction rules the user wrote
  const config = await ensureConfigs(ctx, (await readConfig(paths)).config, service);
  const configName = options.configName === undefined
    ? undefined
    : findConfigName(config[service], options.configName, { label: service });
  const active = toActiveConfig(pinActiveConfig(config, service, configName), service, ctx.env);
  checkActive(active, paths, ctx.err);
  const allowRemote = !isLoopbackHost(host);
  if (allowRemote) {
    if (active.settings.access_token === undefined) {
      throw new CliError(
        `Listening on "${host}" needs proxy.access_token in "${paths.configJson}"`,
        {
          hint: "set a long random proxy.access_token, or listen on 127.0.0.1",
        },
      );
    }
    ctx.err(
      `warning: listening on ${host}: reachable from other machines; clients must send the access token`,
    );
  }
  const interval = options.checkIntervalMs ?? 500;
  const warn = (message: string) => ctx.err(`warning: ${message}`);
  const source = createFileConfigSource(paths, active, {
    service,
    env: ctx.env,
    checkIntervalMs: interval,
    warn,
    ...(configName !== undefined ? { configName } : {}),
  });
  const pool = new UpstreamPool(active.upstreams.map((u) => u.baseUrl), {
    failureThreshold: active.settings.failure_threshold,
    cooldownMs: active.settings.cooldown_secs * 1000,
  });
  let ledgerWarned = false;
  const ledger = createLedger(paths.requestLog, {
    onError: (error) => {
      if (!ledgerWarned) warn(`cannot write "${paths.requestLog}": ${error.message}`);
      ledgerWarned = true;
    },
  });
  const counters = createCounters();
  const cut = new AbortController();
  let boundPort: number | null = null;
  const filter = createRequestFilter(paths.filterJson, { checkIntervalMs: interval, warn });
  await filter.apply(new Uint8Array()); // loads the rules now (checked above)
  const quota = await startQuotaLink({
    ...options.quota,
    file: paths.usageProvidersJson,
    source,
    pool,
    env: ctx.env,
    warn,
  });
  const dashboard = createDashboard({
    paths,
    service,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const handler = createHandler({
    source: quota.source,
    pool,
    ledger,
    filter,
    allowRemote,
    shutdown: cut.signal,
    pages: dashboard,
    counters,
    port: () => boundPort,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onUpstreamRequestComplete: quota.onUpstreamRequestComplete,
    providers: quota.providers,
    warn,
  });
  let server;
  try {
    server = startServer(handler, { hostname: host, port, cut });
  } catch (error) {
    quota.stop();
    if (!(error instanceof PortInUseError)) throw error;
    const other = await fetchProxyStatus(host, port);
    throw new CliError(
      other
        ? `Port ${port} on ${host} is taken by another codex-helper (${other.service}, pid ${other.pid})`
        : `Port ${port} on ${host} is already in use by another program`,
      {
        hint: other === undefined
          ? "choose another with --port"
          : other.service === service
          ? `it is already serving: use it (codex-helper switch-on${
            service === "claude" ? " --claude" : ""
          } --port ${port}, or codex-helper run${
            service === "claude" ? " --claude" : ""
          } --port ${port}), stop it first, or choose another --port`
          : "stop it first or choose another --port",
        cause: error,
      },
    );
  }
  boundPort = server.addr.port;
  const loopback = loopbackAddrOf(server.addr);
  return {
    addr: server.addr,
    active,
    pool,
    counters,
    ledger,
    quota,
    dashboardUrl: loopback === null ? null : dashboard.urlFor(loopback),
    finished: server.finished,
    async shutdown(graceMs = 5000) {
      quota.stop();
      dashboard.close();
      await server.shutdown(graceMs);
      await ledger.close();
    },
  };
}

function formatAddr(addr: Deno.NetAddr): string {
  return addr.hostname.includes(":")
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}

function parsePort(value: string): number {
  return parsePortOption(value, { allowFree: true }); // 0: a free port
}

/** Registers `serve`. */
export function registerServeCommands(program: Command, rawCtx: CliContext): void {
  const ctx = escapedContext(rawCtx); // names, URLs and paths from files print escaped
  program
    .command("serve")
    .description("run the streaming proxy in the foreground (Ctrl-C stops it)")
    .option(
      "--claude",
      `proxy Claude Code (the claude section of config.json; default port ${DEFAULT_PORTS.claude})`,
    )
    .option(
      "--port <port>",
      `port to listen on (0 picks a free one; default ${DEFAULT_PORTS.codex})`,
      parsePort,
    )
    .option(
      "--host <host>",
      "address to listen on (non-loopback needs proxy.access_token)",
      "127.0.0.1",
    )
    .option(
      "--switch",
      "point the client (Codex; Claude Code with --claude) at this proxy while it runs",
    )
    .addHelpText(
      "after",
      `
Examples:
  codex-helper serve                    listen on 127.0.0.1:3211
  codex-helper serve --port 4000        another port
  codex-helper serve --port 0           a free port (printed on start)
  codex-helper serve --claude           Claude Code's proxy on 127.0.0.1:3210
  codex-helper serve --switch           also point Codex at it until it stops
  codex-helper serve --claude --switch  also point Claude Code at it until it stops

Reads ~/.codex-proxy/config.json (changes apply without restart), filter.json and
usage_providers.json (relay balances polled; an exhausted upstream is used last);
appends one line per request to ~/.codex-proxy/logs/requests.jsonl.
Status: GET http://127.0.0.1:3211/__codex_helper/status
Dashboard: the address printed on start (loopback only; it carries a key for this process).
The Codex and Claude Code proxies can run at once (two ports, one request log).
--switch edits $CODEX_HOME/config.toml (with --claude: ~/.claude/settings.json) like switch-on once
listening, and undoes it on Ctrl-C, SIGTERM or any other stop; a switch left behind by a process
that died is moved to this port.`,
    )
    .action(async (opts: { port?: number; host: string; claude?: boolean; switch?: boolean }) => {
      const stop = stopSignal(); // first: a signal during start-up still stops cleanly
      const service = serviceOf(opts);
      const port = opts.port ?? DEFAULT_PORTS[service];
      const enabled = opts.switch === true;
      const sw = await prepareServeSwitch(ctx, { service, enabled, port, host: opts.host });
      const handle = await runServe(ctx, { service, port, host: opts.host });
      const a = handle.active;
      ctx.out(
        `codex-helper listening on http://${
          formatAddr(handle.addr)
        } (${a.service}, config "${a.configName}", ` +
          `${a.upstreams.length} upstream${a.upstreams.length === 1 ? "" : "s"})`,
      );
      if (handle.dashboardUrl !== null) ctx.out(`dashboard: ${handle.dashboardUrl}`);
      await waitForStop(handle, sw, stop);
    });
}

/**
 * Resolves on the first SIGINT/SIGTERM. The listeners are never removed: removing them after a
 * signal can end the process with the signal's default action in the middle of the shutdown.
 */
function stopSignal(): Promise<void> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    for (const s of signals) Deno.addSignalListener(s, () => resolve());
  });
}

/** Runs until `stop` or the server's end; `sw` switches the client on after listening and back first. */
async function waitForStop(
  handle: ServeHandle,
  sw: ServeSwitch,
  stop: Promise<void>,
): Promise<void> {
  try {
    await sw.attach(handle); // a signal meanwhile is handled once the switch is done
    await Promise.race([stop, handle.finished]);
    await sw.release(); // further signals are ignored: the switch-back must finish
  } finally {
    await handle.shutdown();
  }
}

/** Where a browser on this machine reaches the listening address (the dashboard is loopback only). */
function loopbackAddrOf(addr: Deno.NetAddr): string | null {
  if (addr.hostname === "0.0.0.0") return `127.0.0.1:${addr.port}`;
  if (addr.hostname === "::") return `[::1]:${addr.port}`;
  return isLoopbackHost(addr.hostname) ? formatAddr(addr) : null;
}
