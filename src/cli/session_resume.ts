/** `session resume [<id>|--last] [-- codex args]`: runs the command that resumes a session now. */
import type { Command } from "commander";
import { resolve } from "node:path";
import { CliError, UsageError } from "../errors.ts";
import { formatCommandLine, planResume } from "../codex/resume_command.ts";
import { type CodexSetupRead, readCodexSetup } from "../codex/resume_setup.ts";
import { readMetaFromPath } from "../codex/rollout_reader.ts";
import {
  findSessions,
  isRolloutOfId,
  listRolloutFiles,
  type SessionSummary,
} from "../codex/sessions.ts";
import { escapeControl } from "../text/escape_control.ts";
import { ChildExit } from "./child_exit.ts";
import type { CliContext } from "./context.ts";
import { parsePortOption } from "./number_options.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ResumeOptions {
  last?: boolean;
  path?: string;
  port?: number;
  dryRun?: boolean;
}

/** Help of `--port` in `session list`, `last` and `resume`. */
export const PROXY_PORT_HELP =
  "where a running codex-helper is looked for when Codex is not switched on (default 3211)";

/** `--port`: 1 to 65535, refused as every command refuses it, before anything is read. */
export function parseProxyPort(text: string): number {
  return parsePortOption(text);
}

/** Reads the setup resume commands depend on; warnings go to stderr. */
export async function readResumeSetup(
  ctx: CliContext,
  port: number | undefined,
): Promise<CodexSetupRead> {
  const read = await readCodexSetup(ctx.paths(), port === undefined ? {} : { proxyPort: port });
  for (const w of read.warnings) ctx.err(`warning: ${escapeControl(w)}`);
  return read;
}

/** The newest rollout of session `id` (its file name ends with the id), read for its metadata. */
async function sessionById(sessionsDir: string, id: string): Promise<SessionSummary | undefined> {
  const files = (listRolloutFiles(sessionsDir)?.files ?? []).filter((f) => isRolloutOfId(f, id));
  let best: SessionSummary | undefined;
  for (const path of files) {
    const stat = await Deno.stat(path).catch(() => undefined);
    if (stat === undefined) continue;
    const scan = await readMetaFromPath(path).catch(() => undefined);
    if (scan?.kind !== "meta" || scan.meta.id.toLowerCase() !== id.toLowerCase()) continue;
    const updatedAt = stat.mtime ?? new Date(0);
    if (best === undefined || updatedAt > best.updatedAt) {
      best = { ...scan.meta, path, updatedAt, rank: undefined, prompt: undefined };
    }
  }
  return best;
}

/** Runs `argv` with the terminal, forwarding SIGTERM/SIGHUP; resolves with its exit code. */
async function runChild(argv: string[]): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CliError(`"${argv[0]}" was not found`, {
        hint: "install Codex (npm i -g @openai/codex) or put it on PATH",
      });
    }
    throw error;
  }
  // Ctrl+C reaches Codex from the terminal itself: here it must only not end codex-helper first.
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM", "SIGHUP"];
  const handlers = signals.map((signal) => {
    const handler = () => {
      if (signal === "SIGINT") return;
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  });
  try {
    // ended by a signal, Deno already reports 128 + its number
    return (await child.status).code;
  } finally {
    for (const remove of handlers) remove();
  }
}

/** Registers `session resume`. */
export function registerSessionResume(session: Command, ctx: CliContext): void {
  session
    .command("resume")
    .description("resume a Codex session now, whatever provider recorded it")
    .argument("[id]", "the session id (see session list)")
    .argument("[codexArgs...]", "after --: more arguments for codex resume")
    .option("--last", "the project's most recent session (as session last shows it)")
    .option("--path <dir>", "the project folder for --last (default: the current folder)")
    .option("--port <port>", PROXY_PORT_HELP, parseProxyPort)
    .option("--dry-run", "print the command instead of running it")
    .addHelpText(
      "after",
      `
Runs the command that session list shows under "resume with", with Codex's terminal, and exits
with Codex's exit code.

Examples:
  codex-helper session resume --last
  codex-helper session resume 01a24c2c-24ad-75f1-8bd0-a7c65a10b972 -- --model gpt-5`,
    )
    .action(async (idArg: string | undefined, rest: string[], opts: ResumeOptions) => {
      let id = idArg;
      let extra = rest;
      if (opts.last && id !== undefined && UUID.test(id)) {
        // `codex resume <last id> <id>` would send the id as the first prompt
        throw new UsageError(`Give a session id or --last, not both`, {
          hint: `drop --last to resume "${id}"`,
        });
      }
      if (opts.last && id !== undefined) {
        extra = [id, ...rest];
        id = undefined;
      }
      if (!opts.last && id === undefined) {
        throw new UsageError("Give a session id or --last", {
          hint: 'see "codex-helper session list"',
        });
      }
      if (id !== undefined && !UUID.test(id)) {
        throw new UsageError(`Invalid session id "${escapeControl(id)}": expected a UUID`, {
          hint: 'copy one from "codex-helper session list"',
        });
      }
      const sessionsDir = ctx.paths().codexSessions;
      let target: SessionSummary | undefined;
      if (id !== undefined) {
        target = await sessionById(sessionsDir, id);
        if (target === undefined) {
          throw new CliError(`No Codex session "${id}" in "${escapeControl(sessionsDir)}"`, {
            hint: 'see "codex-helper session list --all"',
          });
        }
      } else {
        const project = resolve(ctx.cwd(), opts.path ?? ".");
        target = (await findSessions(sessionsDir, {
          limit: 1,
          project,
          prompts: false,
          headCacheFile: ctx.paths().sessionHeadsJson,
        })).sessions[0];
        if (target === undefined) {
          throw new CliError(`No Codex sessions for "${escapeControl(project)}"`, {
            hint: 'see every session with "codex-helper session list --all"',
          });
        }
      }
      const { setup } = await readResumeSetup(ctx, opts.port);
      const plan = planResume(target, setup);
      if (plan.argv === null) {
        throw new CliError(
          `Cannot resume "${escapeControl(target.id)}": ${escapeControl(plan.note ?? "")}`,
        );
      }
      const argv = [...plan.argv, ...extra];
      if (opts.dryRun) {
        ctx.out(escapeControl(formatCommandLine(argv)));
        return;
      }
      if (plan.note !== undefined) ctx.err(`note: ${escapeControl(plan.note)}`);
      const code = await runChild(argv);
      if (code !== 0) throw new ChildExit(code);
    });
}
