/** Detects a stale switch: Codex points at codex_proxy on a port where no codex-helper answers. */
import type { Paths } from "../config/paths.ts";
import { readTextIfExists } from "../fs/atomic_write.ts";
import { probeProxy } from "../proxy/probe.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";

/** A stale switch and what to do about it. */
export interface StaleSwitch {
  port: number;
  message: string;
  fix: string;
}

/** Options of {@linkcode detectStaleSwitch}. */
export interface DetectStaleSwitchOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The loopback port of codex_proxy's `base_url` when Codex uses it; otherwise `undefined`. */
export function switchedPort(value: Record<string, unknown>): number | undefined {
  if (value.model_provider !== PROXY_PROVIDER_ID) return undefined;
  const providers = value.model_providers as Record<string, Record<string, unknown>> | undefined;
  const url = providers?.[PROXY_PROVIDER_ID]?.base_url;
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) return undefined;
    return Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  } catch {
    return undefined;
  }
}

/** `undefined` when fine (or not switched, or config.toml unreadable); else the stale port. */
export async function detectStaleSwitch(
  paths: Paths,
  options: DetectStaleSwitchOptions = {},
): Promise<StaleSwitch | undefined> {
  const file = paths.codexConfigToml;
  let port: number | undefined;
  try {
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    port = switchedPort(analyzeCodexConfig(text, file).value);
  } catch {
    return undefined;
  }
  if (port === undefined) return undefined;
  const found = await probeProxy(port, options);
  if (found === "codex-helper") return undefined;
  const who = found === "other" ? "another program answers there" : "nothing answers there";
  return {
    port,
    message: `Codex points at codex-helper on port ${port} ("${file}"), but ${who}`,
    fix: `start it with "codex-helper serve --port ${port}", or run "codex-helper switch-off"`,
  };
}
