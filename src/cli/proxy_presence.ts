/** After a switch: tell the user whether a codex-helper answers on the port, and how to start one. */
import { probeProxy } from "../proxy/probe.ts";
import type { CliContext } from "./context.ts";

/** Probes `port` and prints one line about it; `startCommand` is what starts a proxy there. */
export async function reportProxyPresence(
  ctx: CliContext,
  port: number,
  startCommand: string,
): Promise<void> {
  const found = await probeProxy(port);
  if (found === "codex-helper") ctx.out(`A codex-helper answers on port ${port}.`);
  else if (found === "other") {
    ctx.err(`warning: another program answers on port ${port}; pick a free port with --port`);
  } else {
    ctx.out(`No codex-helper answers on port ${port} yet; start one: ${startCommand}`);
  }
}
