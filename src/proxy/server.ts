/** The listening socket: the only `Deno.serve`, with a graceful, bounded shutdown. */
import type { ProxyHandler } from "./handler.ts";

/** The port is taken. */
export class PortInUseError extends Error {
  constructor(readonly hostname: string, readonly port: number, options: { cause?: unknown } = {}) {
    super(`Port ${port} on ${hostname} is already in use`, options);
    this.name = "PortInUseError";
  }
}

/** Options of {@linkcode startServer}. */
export interface StartServerOptions {
  hostname: string;
  port: number;
  /** Aborted by `shutdown()` once the grace period is over: in-flight streams are cut. */
  cut: AbortController;
  /**
   * How long `shutdown()` waits for connections to close once streams are cut (default 1 s);
   * past it, it resolves anyway: a client stalled mid-upload would hold its connection forever.
   */
  cutWaitMs?: number;
}

/** A running server. */
export interface RunningServer {
  addr: Deno.NetAddr;
  /**
   * Stops accepting, waits up to `graceMs` for in-flight requests, then cuts them; resolves at
   * most `cutWaitMs` later.
   */
  shutdown(graceMs: number): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Waits for `promise` up to `ms`; true when it settled in time. */
async function raceTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => timer = setTimeout(resolve, ms, false));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts listening; throws {@linkcode PortInUseError} when the port is taken. */
export function startServer(handler: ProxyHandler, options: StartServerOptions): RunningServer {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen: () => {},
      onError: (error) => {
        const message = error instanceof Error ? error.message : String(error);
        return Response.json({ error: { type: "proxy_error", message } }, { status: 500 });
      },
    }, handler);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(options.hostname, options.port, { cause: error });
    }
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    addr: server.addr,
    finished: server.finished,
    shutdown(graceMs) {
      stopping ??= (async () => {
        const graceful = server.shutdown();
        await raceTimeout(graceful, graceMs);
        options.cut.abort(new Error("server shutting down"));
        if (!await raceTimeout(graceful, options.cutWaitMs ?? 1000)) server.unref();
      })();
      return stopping;
    },
  };
}
