/** `session list` / `session last`: find a project's Codex sessions, whatever provider recorded them. */
import type { Command } from "commander";
import { resolve } from "node:path";
import { CliError } from "../errors.ts";
import { formatPrompt } from "../codex/first_prompt.ts";
import { findSessions, type FindSessionsResult, type SessionSummary } from "../codex/sessions.ts";
import type { CliContext } from "./context.ts";
import { parseLimitOption } from "./number_options.ts";

interface ListOptions {
  limit: string;
  path?: string;
  all?: boolean;
  json?: boolean;
}

const MATCH_NAMES = ["same folder", "subfolder", "parent folder"] as const;

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
function formatLocalTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function toJson(s: SessionSummary, promptKey: "prompt" | "first_prompt") {
  return {
    id: s.id,
    updated_at: s.updatedAt.toISOString(),
    cwd: s.cwd,
    provider: s.modelProvider,
    [promptKey]: s.prompt === undefined ? null : formatPrompt(s.prompt),
    match: s.rank === undefined ? null : MATCH_NAMES[s.rank],
    path: s.path,
    started_at: s.startedAt || null,
    originator: s.originator,
    cli_version: s.cliVersion,
  };
}

function reportSkipped(ctx: CliContext, result: FindSessionsResult, verbose: boolean): void {
  if (!verbose) return;
  ctx.err(
    `scanned ${result.scanned} rollout files: ${result.matched} matched, ` +
      `${result.skippedFiles} skipped (unreadable or not a session), ` +
      `${result.malformedLines} malformed lines skipped`,
  );
}

async function search(ctx: CliContext, options: { path?: string; all?: boolean; limit: number }) {
  const sessionsDir = ctx.paths().codexSessions;
  const project = options.all ? undefined : resolve(ctx.cwd(), options.path ?? ".");
  const result = await findSessions(sessionsDir, {
    limit: options.limit,
    ...(project === undefined ? {} : { project }),
  });
  return { sessionsDir, project, result };
}

/** Why nothing was found, and what to do about it; undefined when something was. */
function explainEmpty(
  found: { sessionsDir: string; project: string | undefined; result: FindSessionsResult },
  allHint: string,
): { message: string; hint: string } | undefined {
  const { sessionsDir, project, result } = found;
  const sessions = result.scanned - result.skippedFiles;
  if (result.missingFolder) {
    return {
      message: `No Codex sessions: "${sessionsDir}" does not exist`,
      hint: "run Codex once, or set CODEX_HOME if Codex keeps its data elsewhere",
    };
  }
  if (sessions === 0) {
    return { message: `No Codex sessions in "${sessionsDir}"`, hint: "run Codex once first" };
  }
  if (result.matched === 0) {
    return {
      message: `No Codex sessions for "${project}" or its sub- or parent folders ` +
        `(${sessions} in other folders)`,
      hint: allHint,
    };
  }
  return undefined;
}

/** Registers `session list` and `session last`. */
export function registerSessionCommands(program: Command, ctx: CliContext): void {
  const session = program
    .command("session")
    .description("find Codex sessions for this project (any provider) to resume them")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper session list          this project's latest sessions, best match first
  codex-helper session last          the one to resume, with the command to do it`,
    );

  session
    .command("list")
    .description(
      "list this project's Codex sessions: same folder first, then sub- and parent folders",
    )
    .option("--limit <n>", "how many to show (0 for all)", "10")
    .option("--path <dir>", "the project folder (default: the current folder)")
    .option("--all", "list sessions of every folder, newest first")
    .option("--json", "machine-readable output (adds path, started_at, originator, cli_version)")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper session list                   this folder's latest 10 sessions
  codex-helper session list --path ~/src/app  another project's sessions
  codex-helper session list --all --limit 50  the latest 50 sessions of every folder
  codex-helper session list --json | jq -r '.[0].id'`,
    )
    .action(async (opts: ListOptions, cmd: Command) => {
      const found = await search(ctx, { ...opts, limit: parseLimitOption(opts.limit) });
      reportSkipped(ctx, found.result, cmd.optsWithGlobals().verbose === true);
      const sessions = found.result.sessions;
      const empty = explainEmpty(found, "use --all to list every session");
      if (opts.json) {
        ctx.out(JSON.stringify(sessions.map((s) => toJson(s, "prompt")), null, 2));
        if (empty) ctx.err(`${empty.message}; ${empty.hint}`);
        return;
      }
      if (empty) {
        ctx.out(`${empty.message}.\n${empty.hint[0]!.toUpperCase()}${empty.hint.slice(1)}.`);
        return;
      }
      const scope = found.project === undefined ? "all folders" : `"${found.project}"`;
      ctx.out(
        `Codex sessions for ${scope}: ${sessions.length} of ${found.result.matched}, ` +
          (found.project === undefined ? "newest first" : "best match first, then newest"),
      );
      for (const s of sessions) {
        ctx.out("");
        ctx.out(s.id);
        ctx.out(`  updated: ${formatLocalTime(s.updatedAt)}`);
        ctx.out(`  cwd: ${s.cwd}`);
        ctx.out(`  provider: ${s.modelProvider || "(unknown)"}`);
        ctx.out(`  prompt: ${s.prompt === undefined ? "(none)" : formatPrompt(s.prompt)}`);
      }
      ctx.out("");
      ctx.out("Resume one with: codex resume <id>");
    });

  session
    .command("last")
    .description("show this project's most recent Codex session and how to resume it")
    .option("--path <dir>", "the project folder (default: the current folder)")
    .option("--json", "machine-readable output (adds path, started_at, originator, cli_version)")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper session last
  codex resume "$(codex-helper session last --json | jq -r .id)"

Exits 1 when the project has no session.`,
    )
    .action(async (opts: { path?: string; json?: boolean }, cmd: Command) => {
      const found = await search(ctx, { ...opts, limit: 1 });
      reportSkipped(ctx, found.result, cmd.optsWithGlobals().verbose === true);
      const last = found.result.sessions[0];
      if (!last) {
        const empty = explainEmpty(
          found,
          'see every session with "codex-helper session list --all"',
        );
        throw new CliError(empty?.message ?? "No Codex session found", { hint: empty?.hint ?? "" });
      }
      if (opts.json) {
        ctx.out(JSON.stringify(toJson(last, "first_prompt"), null, 2));
        return;
      }
      ctx.out(
        [
          "Last Codex session for current project:",
          `  id: ${last.id}`,
          `  updated_at: ${formatLocalTime(last.updatedAt)}`,
          `  cwd: ${last.cwd}`,
          `  first_prompt: ${last.prompt === undefined ? "" : formatPrompt(last.prompt)}`,
          "",
          "Resume with:",
          `  codex resume ${last.id}`,
        ].join("\n"),
      );
    });
}
