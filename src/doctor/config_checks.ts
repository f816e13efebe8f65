/** Pure checks of config.json: it is valid, its active configs exist, base_urls, tokens, plain secrets. */
import type { EnvGetter } from "../config/paths.ts";
import { type HelperConfig, isHttpUrl, isObject, type Service } from "../config/schema.ts";
import { hasUsableAuth, resolveAuth } from "../config/secrets.ts";
import { parseConfigText } from "../config/store.ts";
import { type DoctorCheck, errorHint, errorText, failCheck, okCheck, warnCheck } from "./check.ts";
import { redactUrl } from "../config/redact_url.ts";

/** What {@linkcode checkConfigJsonText} found. */
export interface ConfigJsonChecks {
  check: DoctorCheck;
  /** The validated config, when valid. */
  config: HelperConfig | undefined;
}

const FIRST_CONFIG =
  `run "codex-helper config import-from-codex", or "codex-helper config add NAME --base-url URL --auth-token-env VAR"`;

/** `config.json`: parses and has the expected shape (`undefined` text: no file yet). */
export function checkConfigJsonText(text: string | undefined, file: string): ConfigJsonChecks {
  const id = "config.json";
  if (text === undefined) {
    return {
      config: undefined,
      check: warnCheck(
        id,
        `"${file}" does not exist yet: no upstreams are configured`,
        FIRST_CONFIG,
      ),
    };
  }
  try {
    return { config: parseConfigText(text, file), check: okCheck(id, `"${file}" is valid`) };
  } catch (error) {
    return {
      config: undefined,
      check: failCheck(id, errorText(error), errorHint(error, "fix the file by hand")),
    };
  }
}

/** `config.base_urls`: every upstream's base_url is an http(s) URL; works on a file that fails validation. */
export function checkBaseUrls(text: string | undefined, file: string): DoctorCheck {
  const id = "config.base_urls";
  if (text === undefined) return okCheck(id, "No upstreams configured yet");
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return failCheck(
      id,
      `Cannot check the base URLs: "${file}" does not parse`,
      "fix config.json first (see config.json)",
    );
  }
  const bad: string[] = [];
  let count = 0;
  for (const service of ["codex", "claude"]) {
    const configs = isObject(root) && isObject(root[service]) ? root[service].configs : undefined;
    if (!isObject(configs)) continue;
    for (const [name, cfg] of Object.entries(configs)) {
      const upstreams = isObject(cfg) && Array.isArray(cfg.upstreams) ? cfg.upstreams : [];
      upstreams.forEach((u: unknown, i) => {
        count++;
        const url = isObject(u) ? u.base_url : undefined;
        if (typeof url !== "string" || !isHttpUrl(url)) {
          bad.push(`${service} config "${name}" upstream ${i + 1}`);
        }
      });
    }
  }
  if (bad.length > 0) {
    return failCheck(
      id,
      `Not an http(s) URL: the base_url of ${bad.join(", ")} in "${file}"`,
      `set each base_url to a full URL such as https://api.example.com/v1 (edit the file, or remove and re-add the upstream)`,
    );
  }
  return okCheck(id, `All ${count} base_url values are http(s) URLs`);
}

function flag(service: Service): string {
  return service === "claude" ? " --claude" : "";
}

/** `<service>.active_config`: the active config exists and has upstreams. */
export function checkActiveConfig(config: HelperConfig | undefined, service: Service): DoctorCheck {
  const id = `${service}.active_config`;
  const label = service === "claude" ? "Claude Code" : "Codex";
  const section = config?.[service];
  const names = Object.keys(section?.configs ?? {});
  if (section === undefined || names.length === 0) {
    if (service === "claude") {
      return okCheck(
        id,
        "No Claude Code configs (the Claude side is not set up)",
        `to use it: codex-helper config add NAME --claude --base-url URL --auth-token-env VAR`,
      );
    }
    return warnCheck(id, `No ${label} configs yet`, FIRST_CONFIG);
  }
  const setActive = `run "codex-helper config set-active${flag(service)} NAME" (one of: ${
    names.join(", ")
  })`;
  if (section.active === undefined) {
    return failCheck(id, `No active ${label} config is set`, setActive);
  }
  const active = section.configs[section.active];
  if (active === undefined) {
    return failCheck(
      id,
      `The active ${label} config "${section.active}" does not exist in config.json`,
      setActive,
    );
  }
  if (active.upstreams.length === 0) {
    return failCheck(
      id,
      `The active ${label} config "${section.active}" has no upstreams`,
      `run "codex-helper config add-upstream${
        flag(service)
      } ${section.active} --base-url URL --auth-token-env VAR"`,
    );
  }
  return okCheck(
    id,
    `Active ${label} config "${section.active}" with ${active.upstreams.length} upstream(s)`,
  );
}

/** `<service>.tokens`: the active upstreams' credentials resolve (referenced env variables are set). */
export function checkUpstreamTokens(
  config: HelperConfig | undefined,
  options: { service: Service; env: EnvGetter },
): DoctorCheck {
  const { service, env } = options;
  const id = `${service}.tokens`;
  const section = config?.[service];
  const active = section?.active === undefined ? undefined : section.configs[section.active];
  if (active === undefined || active.upstreams.length === 0) {
    return okCheck(id, "No active upstreams to check");
  }
  const missing: string[] = [];
  const none: string[] = [];
  active.upstreams.forEach((upstream, i) => {
    const where = `upstream ${i + 1} (${redactUrl(upstream.base_url)})`;
    const auth = resolveAuth(upstream, env);
    for (const name of auth.missingEnv) missing.push(`$${name} for ${where}`);
    if (auth.missingEnv.length === 0 && !hasUsableAuth(auth)) none.push(where);
  });
  if (missing.length > 0) {
    return failCheck(
      id,
      `Environment variables not set: ${missing.join(", ")}`,
      `export them in the shell that runs "codex-helper serve" (e.g. export ${
        missing[0]!.slice(1).split(" ")[0]
      }=...)`,
    );
  }
  if (none.length > 0) {
    return warnCheck(
      id,
      `No credentials for ${none.join(", ")}: requests go out unauthenticated`,
      `give it a key with --auth-token-env VAR (remove and re-add the upstream), or ignore this if the relay needs none`,
    );
  }
  return okCheck(id, `Credentials of all ${active.upstreams.length} active upstream(s) resolve`);
}

/** `config.plain_secrets`: keys stored in config.json itself instead of environment references. */
export function checkPlainSecrets(config: HelperConfig | undefined, file: string): DoctorCheck {
  const id = "config.plain_secrets";
  const found: string[] = [];
  for (const service of ["codex", "claude"] as const) {
    for (const [name, cfg] of Object.entries(config?.[service].configs ?? {})) {
      cfg.upstreams.forEach((u, i) => {
        for (const key of ["auth_token", "api_key"] as const) {
          const value = u.auth?.[key];
          if (typeof value === "string" && value.trim() !== "") {
            found.push(`${service} "${name}" upstream ${i + 1} ${key}`);
          }
        }
      });
    }
  }
  if (found.length === 0) return okCheck(id, "No keys are stored in plain text in config.json");
  return warnCheck(
    id,
    `Keys stored in plain text in "${file}": ${found.join(", ")}`,
    `keep keys in environment variables instead: re-add the upstream with --auth-token-env VAR (or --api-key-env VAR)`,
  );
}

/** One file (or folder) and its permission bits (`undefined`: absent). */
export interface FileMode {
  path: string;
  mode: number | undefined;
  /** A folder: private means 0700 (its owner must be able to enter it). */
  folder?: boolean;
}

/**
 * `files.modes`: files holding secrets readable by others (wider than 0600), and folders holding
 * them open to others (wider than 0700). Skipped on Windows.
 */
export function checkFileModes(files: readonly FileMode[], os: string): DoctorCheck {
  const id = "files.modes";
  if (os === "windows") return okCheck(id, "File modes are not checked on Windows");
  const wide = files.filter((f) =>
    f.mode !== undefined && (f.mode & 0o777 & ~(f.folder ? 0o700 : 0o600)) !== 0
  );
  if (wide.length === 0) return okCheck(id, "Files holding secrets are private (0600 or narrower)");
  const list = wide.map((f) => `"${f.path}" (${(f.mode! & 0o777).toString(8).padStart(4, "0")})`);
  const chmod = (mode: string, folder: boolean) => {
    const paths = wide.filter((f) => (f.folder ?? false) === folder).map((f) => `"${f.path}"`);
    return paths.length === 0 ? [] : [`chmod ${mode} ${paths.join(" ")}`];
  };
  return warnCheck(
    id,
    `Readable by other users: ${list.join(", ")}`,
    `run: ${[...chmod("600", false), ...chmod("700", true)].join(" and ")}`,
  );
}
