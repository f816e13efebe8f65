/** `--limit` and `--port`: one parser each, so every command reads and refuses them alike. */
import { UsageError } from "../errors.ts";

/** The highest TCP port. */
const MAX_PORT = 65535;

function wholeNumber(text: string): number | undefined {
  // digits only: Number() also reads "0x10", "1e3" and " 5 "
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses `--limit <n>`: a whole number, 0 meaning "all". Throws {@linkcode UsageError} (exit 2).
 *
 * @example
 * ```ts
 * parseLimitOption("20"); // 20
 * parseLimitOption("0"); // Infinity (all)
 * ```
 */
export function parseLimitOption(text: string): number {
  const n = wholeNumber(text);
  if (n === undefined) {
    throw new UsageError(`Invalid --limit "${text}": expected a whole number, 0 for all`, {
      hint: "e.g. --limit 20, or --limit 0 for all",
    });
  }
  return n === 0 ? Number.POSITIVE_INFINITY : n;
}

/** Options of {@linkcode parsePortOption}. */
export interface PortOptions {
  /** 0 is allowed and means "any free port" (`serve`). */
  allowFree?: boolean;
}

/**
 * Parses `--port <n>`: 1 to 65535 (and 0 for a free port where `allowFree`). Every command's
 * error names the same range.
 */
export function parsePortOption(text: string, options: PortOptions = {}): number {
  const n = wholeNumber(text);
  const min = options.allowFree ? 0 : 1;
  if (n === undefined || n < min || n > MAX_PORT) {
    throw new UsageError(`Invalid --port "${text}": expected a number from 1 to ${MAX_PORT}`, {
      hint: options.allowFree
        ? "e.g. --port 3211, or --port 0 for a free port"
        : "e.g. --port 3211",
    });
  }
  return n;
}
