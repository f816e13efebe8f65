/**
 * The `codex resume` command that resumes a session now: Codex refuses a thread under another
 * `model_provider`, and refuses one whose provider has no table, so the command keeps the thread's
 * provider id and points it where requests can go (through the proxy when one is switched on or
 * running). Pure: the setup is read by resume_setup.ts.
 */
import { PROXY_PROVIDER_ID } from "./config_toml.ts";
import { BUILT_IN_PROVIDER_IDS, proxyOverrides } from "./proxy_overrides.ts";

/** A provider table of config.toml, as far as resuming needs it. */
export interface ProviderTable {
  baseUrl?: string;
  envKey?: string;
  requiresOpenaiAuth?: boolean;
}

/** Codex's setup now: config.toml, auth.json and the proxy that answers. */
export interface CodexSetup {
  /** `model_provider` of config.toml; undefined means the built-in `openai`. */
  currentProvider: string | undefined;
  /** The `[model_providers.*]` tables of config.toml. */
  providers: Record<string, ProviderTable>;
  /** `openai_base_url` of config.toml. */
  openaiBaseUrl: string | undefined;
  /** The proxy sessions are resumed through (switched on, or one running); undefined when none. */
  proxyUrl: string | undefined;
  /** True when `proxyUrl` is a codex-helper that merely runs (Codex is not switched on to it). */
  proxyOnlyRunning?: boolean;
  /** auth.json holds a ChatGPT login. */
  chatgptLogin: boolean;
  /** Why config.toml could not be read (Codex will not start either); undefined when it could. */
  configError?: string;
}

/** The command that resumes a session, or why there is none. */
export interface ResumePlan {
  /** `["codex", "resume", id, ...]`; null when no command can be given. */
  argv: string[] | null;
  /** The resumed turns go through the proxy. */
  throughProxy: boolean;
  /** What the user should know (e.g. the provider is no longer configured). */
  note: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** True when `id` is a UUID and the rollout's file name ends with it (as Codex names them). */
export function isResumableId(id: string, path: string): boolean {
  if (!UUID.test(id)) return false;
  const name = path.split(/[\\/]/).pop() ?? "";
  return name.endsWith(`-${id}.jsonl`) || name.endsWith(`-${id}.jsonl.zst`);
}

function selectOnly(provider: string): string[] {
  return ["-c", `model_provider=${JSON.stringify(provider)}`];
}

/** Where a `codex_proxy` thread goes when no proxy answers: the current provider's endpoint. */
function directProxyTable(setup: CodexSetup): { args: string[] | undefined; via: string } {
  const current = setup.currentProvider ?? "openai";
  if (current === "openai") {
    const r = proxyOverrides(PROXY_PROVIDER_ID, setup.openaiBaseUrl ?? OPENAI_DEFAULT_BASE_URL, {
      missingTable: true,
      requiresOpenaiAuth: true,
    });
    return { args: r.ok ? r.args : undefined, via: "openai" };
  }
  const table = setup.providers[current];
  if (table?.baseUrl === undefined) return { args: undefined, via: current };
  const r = proxyOverrides(PROXY_PROVIDER_ID, table.baseUrl, {
    missingTable: true,
    ...(table.envKey === undefined ? {} : { envKey: table.envKey }),
    ...(table.requiresOpenaiAuth ? { requiresOpenaiAuth: true } : {}),
  });
  return { args: r.ok ? r.args : undefined, via: current };
}

/** Plans the command that resumes session `id` of `provider` under `setup`. */
export function planResume(
  session: { id: string; modelProvider: string; path: string },
  setup: CodexSetup,
): ResumePlan {
  if (!isResumableId(session.id, session.path)) {
    return {
      argv: null,
      throughProxy: false,
      note: "the session id is not a UUID matching its file name",
    };
  }
  if (setup.configError !== undefined) {
    return { argv: null, throughProxy: false, note: `${setup.configError}; fix it first` };
  }
  const base = ["codex", "resume", session.id];
  const plan = (args: string[], throughProxy: boolean, note?: string): ResumePlan => ({
    argv: [...base, ...args],
    throughProxy,
    note,
  });
  const p = session.modelProvider;
  const current = setup.currentProvider ?? "openai";
  const url = setup.proxyUrl;
  if (p === "") return plan([], false, "the session does not record its provider");
  const defined = setup.providers[p] !== undefined;
  const builtIn = BUILT_IN_PROVIDER_IDS.includes(p);
  if (url !== undefined) {
    if (p === PROXY_PROVIDER_ID && current === p && setup.providers[p]?.baseUrl === url) {
      return plan([], true);
    }
    if (builtIn && p !== "openai") {
      return plan(
        current === p ? [] : selectOnly(p),
        false,
        `the built-in provider "${p}" is not sent through the proxy`,
      );
    }
    const missingTable = !builtIn && !defined;
    const r = proxyOverrides(p, url, {
      missingTable,
      ...(missingTable && p === PROXY_PROVIDER_ID && setup.chatgptLogin
        ? { requiresOpenaiAuth: true }
        : {}),
    });
    if (r.ok) {
      return setup.proxyOnlyRunning
        ? plan(r.args, true, `through the codex-helper at ${url}, which must still be running`)
        : plan(r.args, true);
    }
    return defined
      ? plan(current === p ? [] : selectOnly(p), false, r.reason)
      : { argv: null, throughProxy: false, note: r.reason };
  }
  if (p === current) return plan([], false);
  if (p === PROXY_PROVIDER_ID && !defined) {
    const direct = directProxyTable(setup);
    if (direct.args !== undefined) {
      return plan(
        direct.args,
        false,
        `no codex-helper is switched on or running: straight to "${direct.via}"`,
      );
    }
    return {
      argv: null,
      throughProxy: false,
      note:
        `the session was made through codex-helper; start one ("codex-helper serve") or switch on`,
    };
  }
  if (builtIn || defined) return plan(selectOnly(p), false);
  return {
    argv: null,
    throughProxy: false,
    note:
      `the provider "${p}" is no longer in config.toml; add its [model_providers.${p}] table back, or start codex-helper`,
  };
}

const SAFE_ARG = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * The argv as one POSIX shell command line (arguments with other characters single-quoted).
 * @example formatCommandLine(["codex", "resume", "x", "-c", 'model_provider="a"']) // `codex resume x -c 'model_provider="a"'`
 */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map((a) => SAFE_ARG.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
}
