/** Turning `--base-url`, the auth flags and `--tag k=v` into a validated upstream. */
import { isEnvName, isHttpUrl, type Upstream } from "../config/schema.ts";
import { UsageError } from "../errors.ts";
import { redactUrl } from "../config/redact_url.ts";

/** The raw flags shared by `config add` and `config add-upstream`. */
export interface UpstreamFlags {
  baseUrl: string;
  authToken?: string;
  authTokenEnv?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  tag?: string[];
}

/** The upstream, and whether a secret was given in plain text on the command line. */
export interface ParsedUpstream {
  upstream: Upstream;
  plainSecret: boolean;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses `k=v` pairs; the key is non-empty, the value may contain `=`. */
export function parseTags(pairs: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (key === "") {
      throw new UsageError(`Invalid --tag "${pair}": expected key=value`, {
        hint: "for example --tag region=eu",
      });
    }
    tags[key] = pair.slice(eq + 1);
  }
  return tags;
}

function checkEnvName(flag: string, name: string | undefined): void {
  if (name !== undefined && !isEnvName(name)) {
    throw new UsageError(`Invalid ${flag} "${name}": not an environment variable name`, {
      hint: "use letters, digits and _ (not starting with a digit), e.g. OPENAI_API_KEY",
    });
  }
}

function checkExclusive(a: string, b: string, valueA: unknown, valueB: unknown): void {
  if (valueA !== undefined && valueB !== undefined) {
    throw new UsageError(`Use ${a} or ${b}, not both`, {
      hint: `keep ${b} (the variable's name is stored, never its value) and drop ${a}`,
    });
  }
}

function checkSecret(flag: string, value: string | undefined): void {
  if (value !== undefined && value.trim() === "") {
    throw new UsageError(`${flag} is empty`, {
      hint: `give it a value, or name a variable that holds it with ${flag}-env`,
    });
  }
}

/** Validates the flags; throws {@linkcode UsageError} (exit 2) on bad input. */
export function parseUpstreamFlags(flags: UpstreamFlags): ParsedUpstream {
  if (!isHttpUrl(flags.baseUrl)) {
    // a value that is no URL at all may be a key pasted in the wrong place: never echo it
    const shown = URL.canParse(flags.baseUrl)
      ? `"${redactUrl(flags.baseUrl)}"`
      : "(value not shown)";
    throw new UsageError(`Invalid --base-url ${shown}: not an http(s) URL`, {
      hint: "for example --base-url https://api.example.com/v1",
    });
  }
  checkExclusive("--auth-token", "--auth-token-env", flags.authToken, flags.authTokenEnv);
  checkExclusive("--api-key", "--api-key-env", flags.apiKey, flags.apiKeyEnv);
  checkEnvName("--auth-token-env", flags.authTokenEnv);
  checkEnvName("--api-key-env", flags.apiKeyEnv);
  checkSecret("--auth-token", flags.authToken);
  checkSecret("--api-key", flags.apiKey);
  const upstream: Upstream = { base_url: flags.baseUrl, auth: {} };
  if (flags.authToken !== undefined) upstream.auth.auth_token = flags.authToken.trim();
  if (flags.authTokenEnv !== undefined) upstream.auth.auth_token_env = flags.authTokenEnv;
  if (flags.apiKey !== undefined) upstream.auth.api_key = flags.apiKey.trim();
  if (flags.apiKeyEnv !== undefined) upstream.auth.api_key_env = flags.apiKeyEnv;
  const tags = parseTags(flags.tag ?? []);
  if (Object.keys(tags).length > 0) upstream.tags = tags;
  return {
    upstream,
    plainSecret: flags.authToken !== undefined || flags.apiKey !== undefined,
  };
}

/** Parses `--position`: a positive integer (the range is checked against the pool later). */
export function parsePosition(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`Invalid --position "${value}": expected a whole number from 1`, {
      hint: "1 is the highest priority",
    });
  }
  return Number(value);
}
