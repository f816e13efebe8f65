/** Pure edits of one section (`codex` or `claude`) of config.json; each throws a user-facing error. */
import { CliError, UsageError } from "../errors.ts";
import type { ServiceConfig, ServiceSection, Upstream } from "./schema.ts";

/** The name is not a config of the section. */
export class UnknownConfigError extends CliError {
  constructor(name: string, section: ServiceSection, label: string) {
    const known = Object.keys(section.configs);
    super(
      `No ${label} config named "${name}"; known: ${
        known.length > 0 ? known.map((k) => `"${k}"`).join(", ") : "(none)"
      }`,
      { hint: "see codex-helper config list" },
    );
    this.name = "UnknownConfigError";
  }
}

/** Options shared by the edits: the section's label for messages (`codex` or `claude`). */
export interface EditOptions {
  label?: string;
}

/** Finds a config by name, or by alias when no name matches and exactly one alias does. */
export function findConfigName(
  section: ServiceSection,
  nameOrAlias: string,
  options: EditOptions = {},
): string {
  if (Object.hasOwn(section.configs, nameOrAlias)) return nameOrAlias;
  const byAlias = Object.values(section.configs).filter((c) => c.alias === nameOrAlias);
  if (byAlias.length === 1) return byAlias[0]!.name;
  throw new UnknownConfigError(nameOrAlias, section, options.label ?? "codex");
}

/** Options of {@linkcode addConfig}. */
export interface AddConfigOptions extends EditOptions {
  alias?: string;
}

/** Adds a config with one upstream; an existing name is an error. Returns true when it became active. */
export function addConfig(
  section: ServiceSection,
  entry: { name: string; upstream: Upstream },
  options: AddConfigOptions = {},
): boolean {
  const { name, upstream } = entry;
  if (Object.hasOwn(section.configs, name)) {
    throw new CliError(`A ${options.label ?? "codex"} config named "${name}" already exists`, {
      hint:
        `grow its pool with: codex-helper config add-upstream ${name} --base-url URL, or remove it first`,
    });
  }
  checkNewNames(section, name, options);
  const config: ServiceConfig = { name, upstreams: [upstream] };
  if (options.alias !== undefined) config.alias = options.alias;
  section.configs[name] = config;
  const activeIsValid = section.active !== undefined &&
    Object.hasOwn(section.configs, section.active);
  if (!activeIsValid) section.active = name;
  return !activeIsValid;
}

/** A new config's name and alias may not be another config's alias or name (lookups would clash). */
function checkNewNames(section: ServiceSection, name: string, options: AddConfigOptions): void {
  const label = options.label ?? "codex";
  const clash = Object.values(section.configs).find((c) => c.alias === name);
  if (clash !== undefined) {
    throw new UsageError(`"${name}" is already the alias of the ${label} config "${clash.name}"`, {
      hint: "choose another name",
    });
  }
  const alias = options.alias;
  if (alias === undefined || alias === name) return;
  const owner = Object.hasOwn(section.configs, alias)
    ? alias
    : Object.values(section.configs).find((c) => c.alias === alias)?.name;
  if (owner !== undefined) {
    throw new UsageError(`--alias "${alias}" already names the ${label} config "${owner}"`, {
      hint: "choose another alias",
    });
  }
}

/** Inserts an upstream at 1-based `position` (default: last, lowest priority). Returns its position. */
export function addUpstream(
  section: ServiceSection,
  entry: { name: string; upstream: Upstream },
  options: EditOptions & { position?: number } = {},
): number {
  const name = findConfigName(section, entry.name, options);
  const upstreams = section.configs[name]!.upstreams;
  const position = options.position ?? upstreams.length + 1;
  if (!Number.isInteger(position) || position < 1 || position > upstreams.length + 1) {
    throw new UsageError(
      `Position ${position} is out of range for "${name}": use 1 to ${upstreams.length + 1}`,
      { hint: "1 is the highest priority; leave --position out to append" },
    );
  }
  upstreams.splice(position - 1, 0, entry.upstream);
  return position;
}

/** Removes a config; returns true when it was the active one (active is then unset). */
export function removeConfig(
  section: ServiceSection,
  name: string,
  options: EditOptions = {},
): boolean {
  const found = findConfigName(section, name, options);
  delete section.configs[found];
  if (section.active !== found) return false;
  delete section.active;
  return true;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/**
 * Removes one upstream, chosen by 1-based index (as `config list` shows) or by base_url.
 * Refuses to empty a pool. Returns the removed upstream.
 */
export function removeUpstream(
  section: ServiceSection,
  target: { name: string; which: string },
  options: EditOptions = {},
): Upstream {
  const name = findConfigName(section, target.name, options);
  const upstreams = section.configs[name]!.upstreams;
  let index: number;
  if (/^\d+$/.test(target.which)) {
    index = Number(target.which) - 1;
    if (index < 0 || index >= upstreams.length) {
      throw new CliError(
        `"${name}" has no upstream ${target.which}: use 1 to ${upstreams.length} or a base_url`,
        { hint: "see codex-helper config list" },
      );
    }
  } else {
    const matches = upstreams.flatMap((u, i) => sameUrl(u.base_url, target.which) ? [i] : []);
    if (matches.length !== 1) {
      throw new CliError(
        matches.length === 0
          ? `"${name}" has no upstream with base_url "${target.which}"`
          : `"${name}" has ${matches.length} upstreams with base_url "${target.which}"`,
        { hint: "name it by its index instead (see codex-helper config list)" },
      );
    }
    index = matches[0]!;
  }
  if (upstreams.length === 1) {
    throw new CliError(`"${name}" has only this upstream; a config needs at least one`, {
      hint: `remove the whole config with: codex-helper config remove ${name}`,
    });
  }
  return upstreams.splice(index, 1)[0]!;
}

/** Makes `name` (or a unique alias) the active config; returns the config name. */
export function setActive(
  section: ServiceSection,
  name: string,
  options: EditOptions = {},
): string {
  const found = findConfigName(section, name, options);
  section.active = found;
  return found;
}
