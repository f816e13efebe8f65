/** Shows a URL without anything that could be a credential: user info and query values go. */

/**
 * Drops `user:password@` and replaces every query value with `***`. Text that is not a URL is
 * returned as `(not a URL)`, since it might be a pasted key.
 *
 * @example
 * ```ts
 * redactUrl("https://u:p@relay.example/v1?key=sk-1"); // "https://relay.example/v1?key=***"
 * ```
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "(not a URL)";
  }
  url.username = "";
  url.password = "";
  for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, "***");
  url.hash = "";
  const text = url.toString();
  // keep the user's spelling of a bare base_url (no trailing slash added)
  return value.endsWith("/") || url.pathname !== "/" ? text : text.replace(/\/(?=\?|$)/, "");
}
