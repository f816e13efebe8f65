// deno-lint-ignore-file no-console
/**
 * `deno task compile`: one self-contained binary per OS into `dist/`, plus `SHA256SUMS`.
 *
 * Usage: deno run -A scripts/compile.ts [--target <triple>]... [--out-dir dist]
 *
 * `deno compile` downloads the matching Deno runtime (denort) for each target. Offline, point
 * `DENORT_BIN` at a denort binary (from the `denort-<target>.zip` of the same Deno release); it
 * serves one target, so only the host target is built unless `--target` says otherwise.
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { COMPILE_PERMISSION_FLAGS } from "./permission_flags.ts";
import { ASSETS_FOLDER } from "../src/dashboard/dashboard_assets.ts";

/** Every target a release ships. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/**
 * Modules loaded as workers (`new Worker(new URL(...))`), relative to the entry's folder: the
 * module graph of `main.ts` does not reach them, so `deno compile` must `--include` them.
 */
export const WORKER_MODULES: readonly string[] = [
  "src/usage/summary_worker.ts",
  "src/dashboard/usage_worker.ts",
];

/**
 * Data files read at run time next to their module (the dashboard's page, scripts and styles),
 * relative to the entry's folder: `deno compile` embeds them and serves reads from memory.
 */
export const EMBEDDED_FOLDERS: readonly string[] = [ASSETS_FOLDER];

/** A compile step failed; the message says why and what to do. */
export class CompileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CompileError";
  }
}

/** `codex-helper-<target>`, with `.exe` for Windows targets. */
export function formatBinaryName(target: string): string {
  return `codex-helper-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The target triple of the running machine, e.g. `x86_64-unknown-linux-gnu`. */
export function hostTarget(): string {
  return Deno.build.target;
}

/** Options of {@linkcode formatCompileArgs}. */
export interface CompileArgsOptions {
  /** The binary's path. */
  output: string;
  /** The entry module. */
  entry: string;
}

/**
 * The `deno compile` arguments for one target: explicit permissions (never `-A`), no prompts,
 * and the worker modules and data folders included.
 *
 * @example
 * ```ts
 * formatCompileArgs("x86_64-apple-darwin", { output: "dist/x", entry: "main.ts" });
 * // ["compile", "--allow-net", ..., "--target", "x86_64-apple-darwin", "--output", "dist/x", "main.ts"]
 * ```
 */
export function formatCompileArgs(target: string, options: CompileArgsOptions): string[] {
  if (!TARGETS.includes(target)) {
    throw new CompileError(`Unknown target "${target}": use one of ${TARGETS.join(", ")}`);
  }
  return [
    "compile",
    ...COMPILE_PERMISSION_FLAGS,
    ...[...WORKER_MODULES, ...EMBEDDED_FOLDERS].flatMap((
      path,
    ) => ["--include", join(dirname(options.entry), path)]),
    "--target",
    target,
    "--output",
    options.output,
    options.entry,
  ];
}

/**
 * Explains a failed `deno compile`, when its output says the runtime could not be had.
 * Returns `undefined` for other failures (type errors and the like are printed as they are).
 */
export function describeCompileFailure(stderr: string, target: string): string | undefined {
  // deno-lint-ignore no-control-regex -- strips ANSI colours
  const plain = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  const missing = plain.match(/Could not find denort at '([^']*)'/);
  if (missing) {
    return `DENORT_BIN points at "${
      missing[1]
    }", which does not exist: set it to a denort binary ` +
      `for ${target} (from denort-${target}.zip of Deno ${Deno.version.deno}), or unset it to download`;
  }
  if (
    /denort|Setting up base binary/.test(plain) &&
    /error sending request|dns error|Connect/.test(plain)
  ) {
    return `Cannot download the Deno runtime (denort) for ${target}: no connection to the Deno ` +
      `release server. Build offline with DENORT_BIN=<path to denort for ${target}> ` +
      `(from denort-${target}.zip of Deno ${Deno.version.deno}) and --target ${target}`;
  }
  return undefined;
}

/** One line per file, as `sha256sum` writes and `sha256sum -c` reads: `<hex>  <name>`. */
export function formatSha256Sums(entries: { name: string; sha256: string }[]): string {
  return [...entries].sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => `${e.sha256}  ${e.name}\n`).join("");
}

async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function compileOne(target: string, outDir: string, entry: string): Promise<string> {
  const output = join(outDir, formatBinaryName(target));
  const args = formatCompileArgs(target, { output, entry });
  console.error(`compile ${target} -> ${output}`);
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  if (!result.success) {
    const reason = describeCompileFailure(stderr, target);
    if (reason !== undefined) throw new CompileError(reason);
    console.error(stderr);
    throw new CompileError(`deno compile failed for ${target} (exit ${result.code})`);
  }
  if (target === hostTarget()) await verifyBinary(output);
  return output;
}

/**
 * Runs a binary built for this machine with `--version`: a DENORT_BIN that is a full `deno`
 * (not denort) yields a binary that runs Deno's own CLI instead of codex-helper.
 */
async function verifyBinary(path: string): Promise<void> {
  const out = await new Deno.Command(path, {
    args: ["--version"],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !/^\d+\.\d+\.\d+\S*$/.test(text)) {
    await Deno.remove(path).catch(() => {});
    throw new CompileError(
      `"${path}" does not run codex-helper ("--version" printed "${text.split("\n")[0]}"): ` +
        `DENORT_BIN must be a denort binary, not deno itself`,
    );
  }
}

/** Options of {@linkcode compileAll}. */
export interface CompileAllOptions {
  outDir: string;
  entry: string;
}

/** Builds `targets` one after the other and writes `SHA256SUMS` for what was built. */
export async function compileAll(targets: string[], options: CompileAllOptions): Promise<string[]> {
  await Deno.mkdir(options.outDir, { recursive: true });
  const built: string[] = [];
  for (const target of targets) built.push(await compileOne(target, options.outDir, options.entry));
  const sums = await Promise.all(
    built.map(async (path) => ({ name: basename(path), sha256: await sha256File(path) })),
  );
  await Deno.writeTextFile(join(options.outDir, "SHA256SUMS"), formatSha256Sums(sums));
  return built;
}

/** Picks the targets: `--target` flags, else all (only the host's when DENORT_BIN is set). */
export function chooseTargets(requested: string[], denortBin: string | undefined): string[] {
  if (requested.length > 0) return requested;
  return denortBin ? [hostTarget()] : [...TARGETS];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      target: { type: "string", multiple: true, default: [] },
      "out-dir": { type: "string", default: "dist" },
    },
  });
  const root = fileURLToPath(new URL("../", import.meta.url));
  const denortBin = Deno.env.get("DENORT_BIN");
  const targets = chooseTargets(values.target ?? [], denortBin);
  if (denortBin && targets.length > 1) {
    console.error(`warning: DENORT_BIN is one runtime for one target; building ${targets.length}`);
  }
  try {
    const built = await compileAll(targets, {
      outDir: resolve(root, values["out-dir"] ?? "dist"),
      entry: join(root, "main.ts"),
    });
    console.error(`built ${built.length} binaries and SHA256SUMS`);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  }
}
