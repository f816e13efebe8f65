/** `session list` / `session last`: find a project's Codex sessions, whatever provider recorded them. */
import type { Command } from "commander";
import { resolve } from "node:path";
import { CliError } from "../errors.ts";
import { formatPrompt } from "../codex/first_prompt.ts";
import { formatCommandLine, planResume, type ResumePlan } from "../codex/resume_command.ts";
import { findSessions, type FindSessionsResult, type SessionSummary } from "../codex/sessions.ts";
import { escapeControl } from "../text/escape_control.ts";
import type { CliContext } from "./context.ts";
import { parseLimitOption } from "./number_options.ts";
import {
  parseProxyPort,
  PROXY_PORT_HELP,
  readResumeSetup,
  registerSessionResume,
} from "./session_resume.ts";

interface ListOptions {
  limit: number;
  path?: string;
  all?: boolean;
  json?: boolean;
  port?: number;
}

/** Placeholder of a session whose first prompt was not found (text output). */
const NO_PROMPT = "(none)";

const MATCH_NAMES = ["same folder", "subfolder", "parent folder"] as const;

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
function formatLocalTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** One session as `--json` gives it (the same fields in `list` and `last`). */
function toJson(s: SessionSummary, plan: ResumePlan) {
  return {
    id: s.id,
    updated_at: s.updatedAt.toISOString(),
    cwd: s.cwd,
    provider: s.modelProvider,
    first_prompt: s.prompt === undefined ? null : formatPrompt(s.prompt),
    match: s.rank === undefined ? null : MATCH_NAMES[s.rank],
    path: s.path,
    started_at: s.startedAt || null,
    originator: s.originator,
    cli_version: s.cliVersion,
    resume_command: plan.argv,
    resume_through_proxy: plan.throughProxy,
    resume_note: plan.note ?? null,
  };
}

/** The resume command as text (control characters escaped), or why there is none. */
function resumeText(plan: ResumePlan): string {
  if (plan.argv === null) return `(none: ${escapeControl(plan.note ?? "unknown")})`;
  return escapeControl(formatCommandLine(plan.argv)) +
    (plan.note === undefined ? "" : `  # ${escapeControl(plan.note)}`);
}

/** The provider the session was recorded with, or the placeholder. */
function providerText(s: SessionSummary): string {
  return s.modelProvider ? escapeControl(s.modelProvider) : "(unknown)";
}

/** The prompt as text: shortened, control characters escaped, or the placeholder. */
function promptText(s: SessionSummary): string {
  return s.prompt === undefined ? NO_PROMPT : escapeControl(formatPrompt(s.prompt));
}

/** One line about folders that could not be read; undefined when all could be. */
function unreadableWarning(result: FindSessionsResult, sessionsDir: string): string | undefined {
  const [first, ...rest] = result.unreadableFolders;
  if (first === undefined) return undefined;
  return rest.length === 0
    ? `warning: cannot read "${
      escapeControl(first)
    }" (permission denied); its sessions are not listed`
    : `warning: cannot read ${rest.length + 1} folders under "${escapeControl(sessionsDir)}" ` +
      `(first: "${escapeControl(first)}"; permission denied); their sessions are not listed`;
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
    headCacheFile: ctx.paths().sessionHeadsJson,
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
  // Unreadable folders are a warning of their own, not "no sessions".
  if (sessions === 0 && result.unreadableFolders.length > 0) return undefined;
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

/** Registers `session list`, `session last` and `session resume`. */
export function registerSessionCommands(program: Command, ctx: CliContext): void {
  const session = program
    .command("session")
    .description("find Codex sessions for this project (any provider) and resume them")
    .addHelpText(
      "after",
      `
Examples:
  codex-helper session list           this project's latest sessions, best match first
  codex-helper session last           the one to resume, with the command to do it
  codex-helper session resume --last  resume it now (through the proxy when one is on)`,
    );

  session
    .command("list")
    .description(
      "list this project's Codex sessions: same folder first, then sub- and parent folders",
    )
    .option("--limit <n>", "how many to show (0 for all)", parseLimitOption, 10)
    .option("--path <dir>", "the project folder (default: the current folder)")
    .option("--all", "list sessions of every folder, newest first")
    .option(
      "--json",
      "machine-readable output (adds match, path, started_at, originator, cli_version, " +
        "resume_command, resume_through_proxy, resume_note)",
    )
    .option("--port <port>", PROXY_PORT_HELP, parseProxyPort)
    .addHelpText(
      "after",
      `
Each session comes with the command that resumes it now: Codex only resumes a session under the
provider that recorded it, so the command keeps that provider and, when codex-helper is switched on
or running, sends it through the proxy.

Examples:
  codex-helper session list                   this folder's latest 10 sessions
  codex-helper session list --path ~/src/app  another project's sessions
  codex-helper session list --all --limit 50  the latest 50 sessions of every folder
  codex-helper session list --json | jq -r '.[0].resume_command | @sh'`,
    )
    .action(async (opts: ListOptions, cmd: Command) => {
      const found = await search(ctx, opts);
      reportSkipped(ctx, found.result, cmd.optsWithGlobals().verbose === true);
      const warning = unreadableWarning(found.result, found.sessionsDir);
      if (warning) ctx.err(warning);
      const sessions = found.result.sessions;
      const { setup } = sessions.length > 0
        ? await readResumeSetup(ctx, opts.port)
        : { setup: undefined };
      const plans = sessions.map((s) => planResume(s, setup!));
      const empty = explainEmpty(found, "use --all to list every session");
      if (opts.json) {
        ctx.out(JSON.stringify(sessions.map((s, i) => toJson(s, plans[i]!)), null, 2));
        if (empty) ctx.err(`${escapeControl(empty.message)}; ${empty.hint}`);
        return;
      }
      if (empty) {
        ctx.out(
          `${escapeControl(empty.message)}.\n${empty.hint[0]!.toUpperCase()}${
            empty.hint.slice(1)
          }.`,
        );
        return;
      }
      if (sessions.length === 0) return;
      const scope = found.project === undefined
        ? "all folders"
        : `"${escapeControl(found.project)}"`;
      ctx.out(
        `Codex sessions for ${scope}: ${sessions.length} of ${found.result.matched}, ` +
          (found.project === undefined ? "newest first" : "best match first, then newest"),
      );
      sessions.forEach((s, i) => {
        ctx.out("");
        ctx.out(escapeControl(s.id));
        ctx.out(`  updated_at: ${formatLocalTime(s.updatedAt)}`);
        ctx.out(`  cwd: ${escapeControl(s.cwd)}`);
        ctx.out(`  provider: ${providerText(s)}`);
        ctx.out(`  first_prompt: ${promptText(s)}`);
        ctx.out(`  resume with: ${resumeText(plans[i]!)}`);
      });
    });

  session
    .command("last")
    .description("show this project's most recent Codex session and how to resume it")
    .option("--path <dir>", "the project folder (default: the current folder)")
    .option(
      "--json",
      "machine-readable output (adds match, path, started_at, originator, cli_version, " +
        "resume_command, resume_through_proxy, resume_note)",
    )
    .option("--port <port>", PROXY_PORT_HELP, parseProxyPort)
    .addHelpText(
      "after",
      `
Examples:
  codex-helper session last
  codex-helper session resume --last     runs the command shown under "Resume with:"

Exits 1 when the project has no session.`,
    )
    .action(
      async (opts: { path?: string; json?: boolean; port?: number }, cmd: Command) => {
        const found = await search(ctx, { ...opts, limit: 1 });
        reportSkipped(ctx, found.result, cmd.optsWithGlobals().verbose === true);
        const warning = unreadableWarning(found.result, found.sessionsDir);
        const last = found.result.sessions[0];
        if (!last) {
          if (warning) throw new CliError(warning.replace(/^warning: /, ""));
          const empty = explainEmpty(
            found,
            'see every session with "codex-helper session list --all"',
          );
          throw new CliError(escapeControl(empty?.message ?? "No Codex session found"), {
            hint: empty?.hint ?? "",
          });
        }
        if (warning) ctx.err(warning);
        const { setup } = await readResumeSetup(ctx, opts.port);
        const plan = planResume(last, setup);
        if (opts.json) {
          ctx.out(JSON.stringify(toJson(last, plan), null, 2));
          return;
        }
        ctx.out(
          [
            `Last Codex session for "${escapeControl(found.project ?? last.cwd)}":`,
            `  id: ${escapeControl(last.id)}`,
            `  updated_at: ${formatLocalTime(last.updatedAt)}`,
            `  cwd: ${escapeControl(last.cwd)}`,
            `  provider: ${providerText(last)}`,
            `  first_prompt: ${promptText(last)}`,
            "",
            "Resume with:",
            `  ${resumeText(plan)}`,
          ].join("\n"),
        );
      },
    );

  registerSessionResume(session, ctx);
}
