/** Pure checks of Codex's config.toml: it parses, where model_provider points, the switch's port. */
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "../codex/config_toml.ts";
import { switchedPort } from "../codex/stale_switch.ts";
import type { StaleSwitch } from "../codex/stale_switch.ts";
import type { ProfileProblem } from "../codex/profile_warnings.ts";
import { type DoctorCheck, errorHint, errorText, failCheck, okCheck, warnCheck } from "./check.ts";
import { redactUrl } from "../config/redact_url.ts";

/** Providers built into Codex that need no `[model_providers.<id>]` table. */
export const BUILTIN_CODEX_PROVIDERS: readonly string[] = ["openai", "oss", "ollama", "lmstudio"];

const SWITCH_ON = `run "codex-helper switch-on" to route Codex through codex-helper`;

/** What {@linkcode checkCodexConfigText} found. */
export interface CodexConfigChecks {
  checks: DoctorCheck[];
  /** The parsed document, when it parses. */
  value: Record<string, unknown> | undefined;
}

/** `codex.config_toml` and `codex.model_provider` from the file's text (`undefined`: no file). */
export function checkCodexConfigText(text: string | undefined, file: string): CodexConfigChecks {
  if (text === undefined) {
    return {
      value: undefined,
      checks: [
        okCheck("codex.config_toml", `"${file}" does not exist; Codex uses its defaults`),
        okCheck(
          "codex.model_provider",
          "Codex uses its built-in provider (openai), not codex-helper",
          SWITCH_ON,
        ),
      ],
    };
  }
  let value: Record<string, unknown>;
  try {
    value = analyzeCodexConfig(text, file).value;
  } catch (error) {
    return {
      value: undefined,
      checks: [
        failCheck("codex.config_toml", errorText(error), errorHint(error, "fix the file by hand")),
        failCheck(
          "codex.model_provider",
          `Cannot tell where Codex sends requests: "${file}" does not parse`,
          "fix config.toml first (see codex.config_toml)",
        ),
      ],
    };
  }
  return {
    value,
    checks: [checkInlineProviders(text, file), checkModelProvider(value, file)],
  };
}

/** `codex.config_toml` of a file that parses: ok, or a warning that switch-on cannot edit it. */
function checkInlineProviders(text: string, file: string): DoctorCheck {
  const id = "codex.config_toml";
  const at = analyzeCodexConfig(text, file).inlineProviders;
  if (at === undefined) return okCheck(id, `"${file}" parses`);
  return warnCheck(
    id,
    `"${file}" parses, but model_providers is one inline table (line ${at.line}, column ${at.column}): ` +
      "switch-on cannot add its provider to it",
    `write each provider as its own [model_providers.<id>] table, then run "codex-helper switch-on"`,
  );
}

function providerBaseUrl(value: Record<string, unknown>, id: string): unknown {
  const providers = value.model_providers;
  if (typeof providers !== "object" || providers === null) return undefined;
  const entry = (providers as Record<string, unknown>)[id];
  if (typeof entry !== "object" || entry === null) return undefined;
  return (entry as Record<string, unknown>).base_url;
}

function hasProvider(value: Record<string, unknown>, id: string): boolean {
  const providers = value.model_providers;
  return typeof providers === "object" && providers !== null &&
    typeof (providers as Record<string, unknown>)[id] === "object";
}

/** `codex.model_provider`: which provider Codex uses and whether that is codex-helper. */
export function checkModelProvider(value: Record<string, unknown>, file: string): DoctorCheck {
  const id = "codex.model_provider";
  const mp = value.model_provider;
  if (value.profile !== undefined) {
    // Codex 0.171 refuses the legacy profile line: nothing in this file takes effect
    return failCheck(
      id,
      `Codex does not start with "${file}": it has the legacy profile = "${
        String(value.profile)
      }" line`,
      "see codex.legacy_profiles",
    );
  }
  if (mp === undefined) {
    return okCheck(id, "Codex uses its built-in provider (openai), not codex-helper", SWITCH_ON);
  }
  if (typeof mp !== "string") {
    return failCheck(
      id,
      `model_provider in "${file}" is not a string`,
      `set model_provider = "${PROXY_PROVIDER_ID}" (or run "codex-helper switch-on")`,
    );
  }
  if (mp === PROXY_PROVIDER_ID) {
    const port = switchedPort(value);
    const url = providerBaseUrl(value, PROXY_PROVIDER_ID);
    if (port !== undefined) return okCheck(id, `Codex uses codex-helper on port ${port}`);
    if (typeof url !== "string") {
      return failCheck(
        id,
        `Codex uses "${PROXY_PROVIDER_ID}", but [model_providers.${PROXY_PROVIDER_ID}] has no base_url in "${file}"`,
        `run "codex-helper switch-on" again to rewrite it, or "codex-helper switch-off"`,
      );
    }
    return warnCheck(
      id,
      `Codex uses "${PROXY_PROVIDER_ID}" at ${redactUrl(url)}, which is not a local port`,
      `run "codex-helper switch-on --port <port>" to point it at a local codex-helper`,
    );
  }
  if (hasProvider(value, mp)) {
    const url = providerBaseUrl(value, mp);
    const where = typeof url === "string" ? ` (${redactUrl(url)})` : "";
    return okCheck(id, `Codex uses provider "${mp}"${where} directly, not codex-helper`, SWITCH_ON);
  }
  if (BUILTIN_CODEX_PROVIDERS.includes(mp)) {
    return okCheck(id, `Codex uses its built-in provider "${mp}", not codex-helper`, SWITCH_ON);
  }
  return failCheck(
    id,
    `model_provider = "${mp}" in "${file}", but there is no [model_providers.${mp}]`,
    `define [model_providers.${mp}], set model_provider to a defined provider, or run "codex-helper switch-on"`,
  );
}

/** `codex.proxy_reachable`: the dead-port lockout (Codex points at a port where no codex-helper answers). */
export function checkCodexStaleSwitch(
  value: Record<string, unknown> | undefined,
  stale: StaleSwitch | undefined,
): DoctorCheck {
  const id = "codex.proxy_reachable";
  if (stale !== undefined) return failCheck(id, stale.message, stale.fix);
  const port = value === undefined ? undefined : switchedPort(value);
  if (port === undefined) return okCheck(id, "Codex is not switched to codex-helper");
  return okCheck(id, `A codex-helper answers on port ${port}, where Codex points`);
}

/** `codex.legacy_profiles`: `profile = "x"` stops Codex from starting; `[profiles.x]` is ignored. */
export function checkLegacyProfiles(problems: readonly ProfileProblem[]): DoctorCheck {
  const id = "codex.legacy_profiles";
  const selector = problems.find((p) => p.kind === "legacy_selector");
  if (selector !== undefined) return failCheck(id, selector.message, selector.fix);
  const tables = problems.filter((p) => p.kind === "legacy_table");
  if (tables.length === 0) return okCheck(id, "No legacy profile in config.toml");
  return warnCheck(
    id,
    tables.map((p) => p.message).join("; "),
    tables.map((p) => p.fix).join("; "),
  );
}

/** `codex.profiles`: profile files (`<name>.config.toml`) that set their own model_provider. */
export function checkCodexProfiles(
  value: Record<string, unknown> | undefined,
  problems: readonly ProfileProblem[],
): DoctorCheck {
  const id = "codex.profiles";
  if (value?.model_provider !== PROXY_PROVIDER_ID) {
    return okCheck(id, "Codex is not switched, so no profile can bypass codex-helper");
  }
  const files = problems.filter((p) => p.kind === "bypass" || p.kind === "unreadable");
  if (files.length === 0) return okCheck(id, "No profile file overrides model_provider");
  return warnCheck(id, files.map((p) => p.message).join("; "), files.map((p) => p.fix).join("; "));
}
