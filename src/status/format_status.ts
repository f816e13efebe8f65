/** The text rendering of `status`. */
import type { LiveProvider, LiveStatus } from "./live_status.ts";
import type { ClientStatus, StatusReport } from "./collect_status.ts";
import { providerMatchesUrl } from "../usage/providers.ts";
import { escapeControl } from "../text/escape_control.ts";

/**
 * Bytes in a short human form.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function formatDuration(uptime: number): string {
  const secs = Math.max(0, Math.floor(uptime));
  if (secs < 60) return `${secs}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m`;
  return `${Math.floor(secs / 3600)}h${String(Math.floor((secs % 3600) / 60)).padStart(2, "0")}m`;
}

function formatUpstreamLive(u: LiveStatus["upstreams"][number], i: number): string {
  const parts = [`breaker ${u.state ?? "?"}`];
  if (u.cooldown_remaining_ms !== null && u.cooldown_remaining_ms > 0) {
    parts.push(`cooldown ${Math.ceil(u.cooldown_remaining_ms / 1000)}s`);
  }
  if (u.consecutive_failures) parts.push(`${u.consecutive_failures} failure(s) in a row`);
  if (u.usage_exhausted) parts.push("quota exhausted");
  parts.push(`${u.requests ?? 0} request(s), ${u.failures ?? 0} failed`);
  return `      ${i + 1}. ${u.base_url}  ${parts.join(", ")}`;
}

function formatProviderLive(p: LiveProvider, used: boolean): string {
  const last = p.last;
  if (last?.state !== "ok" && !used) {
    return `      ${p.id}: not used (no upstream of the active config is on its domains)`;
  }
  if (last === null) return `      ${p.id}: not polled yet`;
  if (last.state !== "ok") {
    const known = p.last_known?.remaining;
    return `      ${p.id}: last poll failed (${last.error ?? "unknown error"})${
      known === undefined || known === null ? "" : `; last known remaining ${known}`
    }`;
  }
  const money = (key: string) => (last[key] === null || last[key] === undefined ? "?" : last[key]);
  const exhausted = last.exhausted === true
    ? `EXHAUSTED (${p.exhausted_upstreams.join(", ")})`
    : "ok";
  return `      ${p.id}: budget ${money("budget")}, spent ${money("spent")}, remaining ${
    money("remaining")
  }: ${exhausted}`;
}

/** Each usage provider's domains by id, as usage_providers.json lists them. */
type ProviderDomains = ReadonlyMap<string, readonly string[]>;

function formatClient(
  name: string,
  c: ClientStatus,
  commands: { switchCmd: string; serveCmd: string; domains: ProviderDomains },
): string[] {
  const { switchCmd, serveCmd } = commands;
  const lines = [`${name}:`];
  if (c.switched) {
    const recorded = c.record === null
      ? " (no switch record: not set by codex-helper, or set by hand)"
      : `, since ${c.record.switched_at}`;
    lines.push(`  switched on: port ${c.port} ("${c.file}")${recorded}`);
  } else {
    lines.push(`  not switched ("${c.file}"); to route it through codex-helper: ${switchCmd}`);
  }
  const live = c.proxy.live;
  if (c.proxy.found === "codex-helper" && live !== null) {
    const up = live.uptime_secs === null ? "" : `, up ${formatDuration(live.uptime_secs)}`;
    lines.push(
      `  proxy on port ${c.port}: codex-helper ${live.version ?? "?"} (pid ${
        live.pid ?? "?"
      }${up}, config "${live.active_config ?? "-"}")`,
    );
    const counters = Object.entries(live.counters).map(([k, v]) => `${k} ${v}`).join(", ");
    if (counters !== "") lines.push(`    counters: ${counters}`);
    if (live.upstreams.length > 0) lines.push("    upstreams (live):");
    live.upstreams.forEach((u, i) => lines.push(formatUpstreamLive(u, i)));
    if (live.providers.length > 0) lines.push("    usage providers (last poll):");
    for (const p of live.providers) {
      const domains = commands.domains.get(p.id);
      const used = domains === undefined ||
        live.upstreams.some((u) => providerMatchesUrl({ domains }, u.base_url));
      lines.push(formatProviderLive(p, used));
    }
  } else if (c.proxy.found === "other") {
    const lockout = c.switched
      ? ` - ${name}'s requests go to it and fail; stop it, or switch off, or switch on another port`
      : "";
    lines.push(
      `  proxy on port ${c.port}: another program answers there (not codex-helper)${lockout}`,
    );
  } else {
    const lockout = c.switched ? " - requests will fail until you start it or switch off" : "";
    lines.push(`  proxy on port ${c.port}: not running${lockout} (start: ${serveCmd} ${c.port})`);
  }
  if (c.config.active === null) {
    lines.push(
      c.config.configs.length === 0
        ? "  config: none yet"
        : `  config: none active (configs: ${c.config.configs.join(", ")})`,
    );
  } else {
    lines.push(`  config: "${c.config.active}", ${c.config.upstreams.length} upstream(s):`);
    c.config.upstreams.forEach((u, i) => lines.push(`    ${i + 1}. ${u.base_url}  ${u.auth}`));
  }
  for (const p of c.problems) lines.push(`  problem: ${p}`);
  return lines;
}

/** The whole report as lines of text. */
export function formatStatusText(r: StatusReport): string[] {
  const width = Math.max(...Object.keys(r.paths).map((k) => k.length));
  const lines = [`codex-helper ${r.version}`, "paths:"];
  for (const [k, v] of Object.entries(r.paths)) lines.push(`  ${k.padEnd(width)}  ${v}`);
  if (r.config_error !== null) lines.push(`config.json: ${r.config_error}`);
  const domains = new Map(r.usage_providers.providers.map((p) => [p.id, p.domains]));
  lines.push(
    ...formatClient("Codex", r.codex, {
      switchCmd: "codex-helper switch-on",
      serveCmd: "codex-helper serve --port",
      domains,
    }),
  );
  lines.push(
    ...formatClient("Claude Code", r.claude, {
      switchCmd: "codex-helper switch-on --claude",
      serveCmd: "codex-helper serve --claude --port",
      domains,
    }),
  );
  const up = r.usage_providers;
  if (up.state === "invalid") lines.push(`usage providers: ${up.error} (quota polling is off)`);
  else {
    const list = up.providers.map((p) => `${p.id} (${p.domains.join(", ")})`).join(", ");
    lines.push(
      `usage providers: ${list || "none"}${
        up.state === "missing" ? " (defaults; no file yet)" : ""
      }`,
    );
  }
  const log = r.request_log;
  lines.push(
    log.files.length === 0
      ? `request log: empty ("${log.path}")`
      : `request log: ${
        formatBytes(log.total_bytes)
      } in ${log.files.length} file(s) ("${log.path}" and rotations)`,
  );
  // config names, provider ids, paths and problems come from files: never a control character
  return lines.map(escapeControl);
}
