/** `<service>.port`: the proxy's port is free, or held by a codex-helper. */
import type { Service } from "../config/schema.ts";
import { type ProbePort, probeProxy } from "../proxy/probe.ts";
import { type DoctorCheck, errorText, failCheck, okCheck, warnCheck } from "./check.ts";

/** Options of {@linkcode checkProxyPort}. */
export interface CheckProxyPortOptions {
  service: Service;
  /** Defaults to {@linkcode probeProxy}. */
  probe?: ProbePort;
}

/** Whether 127.0.0.1:`port` can be bound right now (the listener is closed at once). */
export function isPortFree(port: number): boolean | Error {
  try {
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    listener.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Binds or probes the port: free and codex-helper are fine; another program there is a failure. */
export async function checkProxyPort(
  port: number,
  options: CheckProxyPortOptions,
): Promise<DoctorCheck> {
  const id = `${options.service}.port`;
  const serve = options.service === "claude"
    ? `codex-helper serve --claude --port`
    : `codex-helper serve --port`;
  const free = isPortFree(port);
  if (free === true) return okCheck(id, `Port ${port} is free for "${serve} ${port}"`);
  if (free instanceof Error) {
    return warnCheck(
      id,
      `Cannot test port ${port}: ${errorText(free)}`,
      `if "${serve} ${port}" fails, pick another port with --port`,
    );
  }
  const found = await (options.probe ?? ((p: number) => probeProxy(p)))(port);
  if (found === "codex-helper") return okCheck(id, `A codex-helper already serves port ${port}`);
  const switchFlag = options.service === "claude" ? " --claude" : "";
  return failCheck(
    id,
    `Port ${port} is held by another program, so codex-helper cannot serve there`,
    `stop that program, or use another port: "${serve} <port>" and "codex-helper switch-on${switchFlag} --port <port>"`,
  );
}
