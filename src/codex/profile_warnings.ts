/**
 * Codex profiles as current Codex (0.171) reads them: `$CODEX_HOME/<name>.config.toml`, chosen
 * with `codex --profile <name>`, layered over config.toml. A profile file that sets its own
 * `model_provider` bypasses the proxy whenever it is used. The legacy forms are refused by Codex:
 * a root `profile = "x"` line stops it from starting, and a `[profiles.x]` table is ignored
 * (`--profile x` fails while it exists).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Paths } from "../config/paths.ts";
import { isObject } from "../config/schema.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";

/** One problem with Codex's profiles, and what to do about it. */
export interface ProfileProblem {
  /**
   * `legacy_selector`: `profile = "x"` in config.toml, Codex does not start; `legacy_table`:
   * `[profiles.x]`, ignored; `bypass`: `x.config.toml` sets another model_provider;
   * `unreadable`: a profile file that cannot be read or parsed.
   */
  kind: "legacy_selector" | "legacy_table" | "bypass" | "unreadable";
  profile: string;
  message: string;
  fix: string;
}

const PROFILE_SUFFIX = ".config.toml";

/** What Codex 0.171 prints (and exits 1) for a root `profile = "<name>"` line. */
export function codexLegacyProfileError(name: string): string {
  return `legacy \`profile = "${name}"\` config is no longer supported; use \`--profile ${name}\` ` +
    `with \`${name}.config.toml\` instead`;
}

/** The legacy `profile = "x"` line and `[profiles.x]` tables of config.toml (pure). */
export function findLegacyProfiles(
  value: Record<string, unknown>,
  options: { file: string; codexHome: string },
): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  const tables = isObject(value.profiles) ? value.profiles : {};
  const selected = value.profile;
  const profileFile = (name: string) => join(options.codexHome, `${name}${PROFILE_SUFFIX}`);
  if (selected !== undefined) {
    const name = typeof selected === "string" ? selected : String(selected);
    const table = tables[name];
    const mp = isObject(table) ? table.model_provider : undefined;
    const other = typeof mp === "string" && mp !== PROXY_PROVIDER_ID
      ? `; its [profiles.${name}] selects model_provider = "${mp}", not codex-helper`
      : "";
    out.push({
      kind: "legacy_selector",
      profile: name,
      message: `"${options.file}" has the legacy profile = "${name}" line: Codex does not start ` +
        `("${codexLegacyProfileError(name)}")${other}`,
      fix: table === undefined
        ? `delete the profile line and start Codex with --profile ${name} (its settings go in ` +
          `"${profileFile(name)}")`
        : `move the settings of [profiles.${name}] into "${profileFile(name)}", delete the ` +
          `profile line and the table, and start Codex with --profile ${name}`,
    });
  }
  for (const name of Object.keys(tables)) {
    if (name === selected) continue;
    out.push({
      kind: "legacy_table",
      profile: name,
      message: `[profiles.${name}] in "${options.file}" is a legacy profile: Codex ignores it, ` +
        `and "codex --profile ${name}" fails while it is there`,
      fix: `move its settings into "${profileFile(name)}" and delete the table`,
    });
  }
  return out;
}

/** Profile files (`<name>.config.toml`) that set a model_provider other than codex-helper's. */
export async function findBypassingProfiles(codexHome: string): Promise<ProfileProblem[]> {
  let names: string[];
  try {
    names = await readdir(codexHome);
  } catch {
    return [];
  }
  const out: ProfileProblem[] = [];
  for (const file of names.filter((n) => n.endsWith(PROFILE_SUFFIX)).sort()) {
    const profile = file.slice(0, -PROFILE_SUFFIX.length);
    const path = join(codexHome, file);
    let mp: unknown;
    try {
      mp = analyzeCodexConfig(await Deno.readTextFile(path), path).value.model_provider;
    } catch (error) {
      const failure = toFileAccessError(error, path);
      out.push({
        kind: "unreadable",
        profile,
        message: failure instanceof Error ? failure.message : String(failure),
        fix: `fix "${path}" so Codex can use profile "${profile}"`,
      });
      continue;
    }
    if (mp === undefined || mp === PROXY_PROVIDER_ID) continue;
    out.push({
      kind: "bypass",
      profile,
      message: `profile "${profile}" ("${path}") sets model_provider = "${String(mp)}": ` +
        `"codex --profile ${profile}" bypasses codex-helper`,
      fix: `delete model_provider from "${path}" (the profile then uses codex-helper like ` +
        `config.toml), or set it to "${PROXY_PROVIDER_ID}"`,
    });
  }
  return out;
}

/** Every profile problem of this Codex home: the legacy forms of config.toml, then the files. */
export async function findProfileProblems(
  paths: Pick<Paths, "codexHome" | "codexConfigToml">,
  value: Record<string, unknown>,
): Promise<ProfileProblem[]> {
  const legacy = findLegacyProfiles(value, {
    file: paths.codexConfigToml,
    codexHome: paths.codexHome,
  });
  return [...legacy, ...await findBypassingProfiles(paths.codexHome)];
}

/** The profile problems as one-line warnings (`<problem>; <fix>`), as switch-on prints them. */
export async function profileWarnings(
  paths: Pick<Paths, "codexHome" | "codexConfigToml">,
  value: Record<string, unknown>,
): Promise<string[]> {
  return (await findProfileProblems(paths, value)).map((p) => `${p.message}; ${p.fix}`);
}
