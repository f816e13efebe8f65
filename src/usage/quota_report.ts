/** `usage quota`: poll every provider once and report per provider and upstream. No secrets. */
import type { EnvGetter } from "../config/paths.ts";
import type { Upstream } from "../config/schema.ts";
import { redactUrl } from "../config/redact_url.ts";
import { probeProvider } from "./budget_probe.ts";
import { providerMatchesUrl, resolveProviderToken, type UsageProvider } from "./providers.ts";

/** One provider's line of the report. */
export interface QuotaReportEntry {
  id: string;
  kind: UsageProvider["kind"];
  /** The endpoint without its query string. */
  endpoint: string;
  /** `$NAME` or the base_url the token was taken from; null when there is none. */
  token_source: string | null;
  /** "not_used": no upstream of the active configs is on its domains and it has no token. */
  state: "ok" | "unknown" | "not_used";
  error: string | null;
  budget: number | null;
  spent: number | null;
  remaining: number | null;
  /** null when the state is unknown. */
  exhausted: boolean | null;
  upstreams: { base_url: string; exhausted: boolean | null }[];
}

/** Options of {@linkcode buildQuotaReport}. */
export interface BuildQuotaReportOptions {
  upstreams: Upstream[];
  env: EnvGetter;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The endpoint as shown: origin and path only (a query string may carry a key). */
export function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** Polls all providers in parallel. */
export function buildQuotaReport(
  providers: UsageProvider[],
  options: BuildQuotaReportOptions,
): Promise<QuotaReportEntry[]> {
  return Promise.all(providers.map(async (provider): Promise<QuotaReportEntry> => {
    const token = resolveProviderToken(provider, options);
    const seen = new Set<string>();
    const matching = options.upstreams
      .filter((u) => providerMatchesUrl(provider, u.base_url))
      .filter((u) => !seen.has(u.base_url) && seen.add(u.base_url));
    if (matching.length === 0 && token === undefined) {
      // nothing of ours goes there and there is nothing to poll with: not a failure
      return notUsed(provider);
    }
    const result = await probeProvider(provider, {
      token: token?.token,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const ok = result.state === "ok" ? result : undefined;
    const exhausted = ok ? ok.exhausted : null;
    const upstreams = matching.map((u) => ({ base_url: redactUrl(u.base_url), exhausted }));
    return {
      id: provider.id,
      kind: provider.kind,
      endpoint: displayEndpoint(provider.endpoint),
      token_source: token?.source ?? null,
      state: result.state,
      error: result.state === "unknown" ? result.error : null,
      budget: ok?.budget ?? null,
      spent: ok?.spent ?? null,
      remaining: ok?.remaining ?? null,
      exhausted,
      upstreams,
    };
  }));
}

function notUsed(provider: UsageProvider): QuotaReportEntry {
  return {
    id: provider.id,
    kind: provider.kind,
    endpoint: displayEndpoint(provider.endpoint),
    token_source: null,
    state: "not_used",
    error: null,
    budget: null,
    spent: null,
    remaining: null,
    exhausted: null,
    upstreams: [],
  };
}
