/** `usage tail | summary | quota`: what went through the proxy, and what is left on the relays. */
import { type Command, Option } from "commander";
import { readConfig } from "../config/store.ts";
import { UsageError } from "../errors.ts";
import { readLastLines } from "../usage/log_reader.ts";
import { collectActiveUpstreams } from "../usage/providers.ts";
import { loadUsageProviders } from "../usage/providers_file.ts";
import { buildQuotaReport } from "../usage/quota_report.ts";
import { parseRequestRecord } from "../usage/record_parse.ts";
import { summarizeLog } from "../usage/summarize_log.ts";
import {
  parseSince,
  SinceParseError,
  SUMMARY_GROUPINGS,
  type SummaryGroupBy,
} from "../usage/summary.ts";
import type { CliContext } from "./context.ts";
import { parseLimitOption } from "./number_options.ts";
import {
  formatNoRequests,
  formatQuotaReport,
  formatSummaryTable,
  formatTailTable,
} from "./usage_format.ts";

/** Registers the `usage` command group. */
export function registerUsageCommands(program: Command, ctx: CliContext): void {
  const usage = program.command("usage").description(
    "request-log reports and relay quota",
  ).exitOverride() // bad options surface to main.ts (exit 2), not process.exit
    .addHelpText(
      "after",
      `
Examples:
  codex-helper usage tail --limit 50
  codex-helper usage summary --since 7d --by model
  codex-helper usage quota`,
    );

  usage.command("tail")
    .description("show the last requests from the request log")
    .option("--limit <n>", "how many requests (0 for all)", parseLimitOption, 20)
    .option("--raw", "print the JSON lines exactly as stored")
    .addOption(
      new Option(
        "--json",
        "print one JSON object per request (JSON lines; malformed lines skipped)",
      )
        .conflicts("raw"),
    )
    .addHelpText(
      "after",
      `
Reads ~/.codex-proxy/logs/requests.jsonl (and its rotations) from the end.

Examples:
  codex-helper usage tail
  codex-helper usage tail --limit 100
  codex-helper usage tail --json --limit 0 | jq -c 'select(.status_code >= 400)'
  codex-helper usage tail --raw --limit 1000 > requests-copy.jsonl`,
    )
    .action(async (opts: { limit: number; raw?: boolean; json?: boolean }) => {
      const lines = await readLastLines(ctx.paths().requestLog, opts.limit);
      if (opts.raw) {
        for (const line of lines) ctx.out(line);
        return;
      }
      const records = lines.map(parseRequestRecord);
      if (opts.json) {
        for (const record of records) if (record !== undefined) ctx.out(JSON.stringify(record));
        const malformed = records.filter((r) => r === undefined).length;
        if (malformed > 0) ctx.err(`(${malformed} malformed line(s) skipped)`);
        return;
      }
      if (lines.length === 0) {
        ctx.out(formatNoRequests(ctx.paths().requestLog));
        return;
      }
      for (const line of formatTailTable(records)) ctx.out(line);
    });

  usage.command("summary")
    .description("requests, errors, tokens and median duration per group")
    .option("--since <when>", "only requests since 7d, 24h, 30m, a date (2026-01-31) or ISO time")
    .addOption(
      new Option("--by <group>", "group by").choices([...SUMMARY_GROUPINGS]).default("config"),
    )
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      `
Reads the whole request log including rotations (requests.jsonl.1 ... .5), streaming.
Malformed lines are skipped and counted. Days are local dates.

Examples:
  codex-helper usage summary
  codex-helper usage summary --since 24h --by upstream
  codex-helper usage summary --by day --json | jq '.rows[] | {key, total_tokens}'`,
    )
    .action(async (opts: { since?: string; by: SummaryGroupBy; json?: boolean }) => {
      let sinceMs: number | undefined;
      if (opts.since !== undefined) {
        try {
          sinceMs = parseSince(opts.since, Date.now());
        } catch (error) {
          if (error instanceof SinceParseError) {
            throw new UsageError(error.message, { hint: "e.g. --since 7d" });
          }
          throw error;
        }
      }
      const summary = await summarizeLog(ctx.paths().requestLog, {
        by: opts.by,
        ...(sinceMs !== undefined ? { sinceMs } : {}),
      });
      if (opts.json) ctx.out(JSON.stringify(summary, null, 2));
      else for (const line of formatSummaryTable(summary, ctx.paths().requestLog)) ctx.out(line);
    });

  usage.command("quota")
    .description("poll every usage provider now: budget, spent, remaining, exhausted")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      `
Providers come from ~/.codex-proxy/usage_providers.json (created with the packycode provider
when missing). An upstream of the active config belongs to a provider when its host is one of
the provider's domains or a subdomain. The token is $token_env, else the upstream's own token;
it is never printed.

Examples:
  codex-helper usage quota
  codex-helper usage quota --json | jq '.providers[] | select(.exhausted)'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const paths = ctx.paths();
      const { config } = await readConfig(paths); // a broken config.json fails before any write
      const { providers, created } = await loadUsageProviders(paths.usageProvidersJson);
      if (created && !opts.json) {
        ctx.err(`Created ${paths.usageProvidersJson} (packycode provider).`);
      }
      const entries = await buildQuotaReport(providers, {
        upstreams: collectActiveUpstreams(config),
        env: ctx.env,
      });
      if (opts.json) {
        ctx.out(JSON.stringify({ file: paths.usageProvidersJson, providers: entries }, null, 2));
        return;
      }
      if (entries.length === 0) ctx.out(`No providers in ${paths.usageProvidersJson}.`);
      for (const line of formatQuotaReport(entries)) ctx.out(line);
    });
}
