/**
 * `null` in an optional field means absent (the original codex-helper wrote `null` for every
 * absent optional field), without losing the field when the file is saved again.
 */

/** Objects that held `null` fields, with their key order as read. */
const NULL_FIELDS = new WeakMap<object, { order: string[]; nulls: Set<string> }>();

/** Treats `obj[key] === null` as absent: removes it, remembered by {@linkcode stringifyWithNulls}. */
export function dropNull(obj: Record<string, unknown>, key: string): void {
  if (obj[key] !== null) return;
  let seen = NULL_FIELDS.get(obj);
  if (seen === undefined) {
    seen = { order: Object.keys(obj), nulls: new Set() };
    NULL_FIELDS.set(obj, seen);
  }
  seen.nulls.add(key);
  delete obj[key];
}

/** Puts the `null` fields the file had back in their places (a JSON.stringify replacer). */
function restoreNulls(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const seen = NULL_FIELDS.get(value);
  if (seen === undefined) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of seen.order) {
    if (Object.hasOwn(obj, key)) out[key] = obj[key];
    else if (seen.nulls.has(key)) out[key] = null;
  }
  for (const key of Object.keys(obj)) if (!Object.hasOwn(out, key)) out[key] = obj[key];
  return out;
}

/**
 * Serialises a value as 2-space JSON, writing back the `null` fields {@linkcode dropNull} removed
 * (those still absent) where they were.
 */
export function stringifyWithNulls(value: unknown): string {
  return JSON.stringify(value, restoreNulls, 2);
}
