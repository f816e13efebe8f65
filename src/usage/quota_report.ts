/** `usage quota`: poll every provider once and report per provider and upstream. No secrets. */
import type { EnvGetter } from "../config/paths.ts";
import type { Upstream } from "../config/schema.ts";
import { probeProvider } from "./budget_probe.ts";
import { providerMatchesUrl, resolveProviderToken, type UsageProvider } from "./providers.ts";
import { redactUrl } from "../doctor/redact_url.ts";

/** One provider's line of the report. */
export interface QuotaReportEntry {
  id: string;
  kind: UsageProvider["kind"];
  /** The endpoint without its query string. */
  endpoint: string;
  /** `$NAME` or the base_url the token was taken from; null when there is none. */
  token_source: string | null;
  state: "ok" | "unknown";
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
    const result = await probeProvider(provider, {
      token: token?.token,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const ok = result.state === "ok" ? result : undefined;
    const exhausted = ok ? ok.exhausted : null;
    const seen = new Set<string>();
    const upstreams = options.upstreams
      .filter((u) => providerMatchesUrl(provider, u.base_url))
      .filter((u) => !seen.has(u.base_url) && seen.add(u.base_url))
      .map((u) => ({ base_url: redactUrl(u.base_url), exhausted }));
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
