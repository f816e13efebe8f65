/**
 * Validation of filter.json (`[{ "op": "replace", "source", "target" }, { "op": "remove", "source" }]`),
 * the same rules the proxy applies. Pure: text in, rules out or a `CliError` naming file and rule.
 */
import { CliError } from "../errors.ts";
import { parseJsonText } from "../fs/json_file.ts";

/** One rule of filter.json. */
export type FilterRule =
  | { op: "replace"; source: string; target: string }
  | { op: "remove"; source: string };

/** Parses filter.json text; throws with the file, line and column or the failing rule. */
export function parseFilterText(text: string, file: string): FilterRule[] {
  const value = parseJsonText(text, file);
  const hint = "fix the file by hand; until then the proxy keeps the last good rules";
  if (!Array.isArray(value)) {
    throw new CliError(`Invalid "${file}": expected an array of rules`, { hint });
  }
  return value.map((rule: unknown, i): FilterRule => {
    const at = `Invalid "${file}": rule ${i + 1}`;
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
      throw new CliError(`${at}: not an object`, { hint });
    }
    const r = rule as Record<string, unknown>;
    if (typeof r.source !== "string" || r.source === "") {
      throw new CliError(`${at}: "source" must be a non-empty string`, { hint });
    }
    if (r.op === "remove") return { op: "remove", source: r.source };
    if (r.op === "replace") {
      if (typeof r.target !== "string") {
        throw new CliError(`${at}: "target" must be a string`, { hint });
      }
      return { op: "replace", source: r.source, target: r.target };
    }
    throw new CliError(`${at}: "op" must be "replace" or "remove"`, { hint });
  });
}
