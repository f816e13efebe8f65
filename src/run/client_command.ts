/** The client `run` starts: the program after `--`, found on PATH before any proxy starts. */
import which from "which";
import type { EnvGetter } from "../config/paths.ts";
import type { Service } from "../config/schema.ts";
import { CliError, UsageError } from "../errors.ts";

/** The program of each client. */
export const CLIENT_PROGRAMS: Record<Service, string> = { codex: "codex", claude: "claude" };

/** The client to start: `path` is what runs, `program` what the user typed. */
export interface ClientCommand {
  program: string;
  path: string;
  args: string[];
}

/** Options of {@linkcode resolveClientCommand}. */
export interface ResolveClientOptions {
  service: Service;
  env: EnvGetter;
}

/** The program is not on PATH (or the given path is not an executable file). */
export class ClientNotFoundError extends CliError {
  constructor(program: string, service: Service) {
    const named = program.includes("/") || program.includes("\\");
    super(
      named ? `"${program}" is not an executable file` : `"${program}" not found on PATH`,
      {
        hint: service === "codex"
          ? "install Codex (npm install -g @openai/codex) or give its path: codex-helper run -- /path/to/codex"
          : "install Claude Code (npm install -g @anthropic-ai/claude-code) or give its path: " +
            "codex-helper run --claude -- /path/to/claude",
      },
    );
    this.name = "ClientNotFoundError";
  }
}

/**
 * The name of a program without folder and Windows extension, lower case.
 *
 * @example
 * ```ts
 * programName("C:\\tools\\Codex.CMD"); // "codex"
 * ```
 */
export function programName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.replace(/\.(exe|cmd|bat|ps1)$/i, "").toLowerCase();
}

/**
 * `argv` is what follows `--`: the program (the client's own when empty) and its arguments.
 * Refuses Codex for `--claude` and Claude Code without it; throws {@linkcode ClientNotFoundError}.
 */
export function resolveClientCommand(
  argv: readonly string[],
  options: ResolveClientOptions,
): ClientCommand {
  const { service } = options;
  const program = argv[0] ?? CLIENT_PROGRAMS[service];
  const other: Service = service === "codex" ? "claude" : "codex";
  if (programName(program) === CLIENT_PROGRAMS[other]) {
    throw new UsageError(
      `"${program}" is ${other === "codex" ? "Codex" : "Claude Code"}, but this run is for ${
        service === "codex" ? "Codex" : "Claude Code"
      }`,
      {
        hint: other === "claude"
          ? "run Claude Code with: codex-helper run --claude -- claude ..."
          : "run Codex without --claude: codex-helper run -- codex ...",
      },
    );
  }
  const found = program === "" ? null : which.sync(program, {
    path: options.env("PATH") ?? "",
    nothrow: true,
    ...(options.env("PATHEXT") !== undefined ? { pathExt: options.env("PATHEXT") } : {}),
  });
  if (found === null) throw new ClientNotFoundError(program, service);
  return { program, path: found, args: argv.slice(1) };
}

/** This process may not start programs (Deno's run permission): `run` cannot work here. */
export class RunNotPermittedError extends CliError {
  constructor(path: string) {
    super(`Cannot start "${path}": this codex-helper has no permission to start programs`, {
      hint:
        "run codex-helper with Deno's --allow-run (from source: deno run -A main.ts run -- ...), " +
        "or point the client at the proxy with switch-on or serve --switch instead",
    });
    this.name = "RunNotPermittedError";
  }
}

/** Throws {@linkcode RunNotPermittedError} unless Deno lets this process start `path`. */
export function checkRunPermission(path: string): void {
  if (Deno.permissions.querySync({ name: "run", command: path }).state !== "granted") {
    throw new RunNotPermittedError(path);
  }
}
