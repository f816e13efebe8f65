/** The dashboard's switch panel: whether Codex and Claude Code point at this proxy, as `status` says. */
import type { Paths } from "../config/paths.ts";
import type { Service } from "../config/schema.ts";
import { type ClientStatus, collectStatus } from "../status/collect_status.ts";

/** One client's switch, reduced to what the page shows. */
export interface SwitchView {
  /** Its config file points at a local codex-helper port. */
  switched: boolean;
  /** The port it points at (or would, unswitched). */
  port: number;
  /** That port is this proxy's. */
  points_here: boolean;
  /** Who answers on that port: this proxy, another codex-helper, another program or nobody. */
  answer: "this_proxy" | "codex_helper" | "other" | "nobody";
  /** The service of the codex-helper there, if one answers. */
  proxy_service: string | null;
  file: string;
  switched_at: string | null;
  active_config: string | null;
  problems: string[];
}

/** The panel's JSON. */
export interface SwitchesView {
  codex: SwitchView;
  claude: SwitchView;
  config_error: string | null;
  /** Each usage provider's domains by id, as `status` reads them to tell one that is not used. */
  provider_domains: Record<string, string[]>;
}

/** Options of {@linkcode readSwitchesView}. */
export interface SwitchesViewOptions {
  /** This proxy's port and process. */
  port: number | null;
  pid: number;
  fetch?: typeof fetch;
}

/** `path` with the home folder shown as `~` (shorter, and the user's name stays off the screen). */
export function tildePath(path: string, home: string): string {
  if (home === "" || !path.startsWith(home)) return path;
  const rest = path.slice(home.length);
  return rest === "" || rest.startsWith("/") || rest.startsWith("\\") ? `~${rest}` : path;
}

function viewOf(client: ClientStatus, options: SwitchesViewOptions & { home: string }): SwitchView {
  const live = client.proxy.live;
  const mine = live !== null && live.pid === options.pid && client.port === options.port;
  const found = client.proxy.found;
  return {
    switched: client.switched,
    port: client.port,
    points_here: client.switched && mine,
    answer: mine
      ? "this_proxy"
      : live !== null
      ? "codex_helper"
      : found === "none"
      ? "nobody"
      : "other",
    proxy_service: live?.service ?? null,
    file: tildePath(client.file, options.home),
    switched_at: client.record?.switched_at ?? null,
    active_config: client.config.active,
    problems: client.problems,
  };
}

/** Collects the facts `status` shows and reduces them for the page. */
export async function readSwitchesView(
  paths: Paths,
  options: SwitchesViewOptions,
): Promise<SwitchesView> {
  const report = await collectStatus(paths, options.fetch ? { fetch: options.fetch } : {});
  const services: Service[] = ["codex", "claude"];
  const [codex, claude] = services.map((s) => viewOf(report[s], { ...options, home: paths.home }));
  return {
    codex: codex!,
    claude: claude!,
    config_error: report.config_error,
    provider_domains: Object.fromEntries(
      report.usage_providers.providers.map((p) => [p.id, p.domains]),
    ),
  };
}
