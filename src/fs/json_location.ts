/** Where a value sits in JSON text, for errors that name line and column. */
import { findNodeAtLocation, type JSONPath, parseTree } from "jsonc-parser";
import { offsetToLineColumn } from "./json_file.ts";

/**
 * The 1-based line and column of the value at `path`, or of its nearest enclosing value when it
 * is missing; undefined when the text does not parse at all.
 *
 * @example
 * ```ts
 * locateJsonPath('{\n  "a": [1, {"b": 2}]\n}', ["a", 1, "b"]); // { line: 2, column: 18 }
 * ```
 */
export function locateJsonPath(
  text: string,
  path: JSONPath,
): { line: number; column: number } | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const tree = parseTree(body);
  if (!tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return offsetToLineColumn(body, node.offset);
  }
  return undefined;
}

/** ` at line L, column C` for `path`, or "" when it cannot be located. */
export function describeJsonLocation(text: string, path: JSONPath): string {
  const at = locateJsonPath(text, path);
  return at ? ` at line ${at.line}, column ${at.column}` : "";
}
