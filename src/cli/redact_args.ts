/** Keeps credentials typed on the command line out of error messages. */
import { redactUrl } from "../config/redact_url.ts";

/** A URL-like token: a scheme, `://`, then everything up to a space or a quote. */
const URL_TOKEN = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'`<>]+/g;

/** Trailing punctuation that belongs to the sentence around a URL, not to the URL. */
const TRAILING = /[.,;:)\]]+$/;

/**
 * Masks every URL in `text` that carries a credential (`user:pass@` or a query string) the way
 * every other output does ({@linkcode redactUrl}); other text is returned unchanged.
 *
 * @example
 * ```ts
 * redactCredentials(`Invalid --tag "https://u:p@relay.example/?key=sk-1"`);
 * // 'Invalid --tag "https://relay.example/?key=***"'
 * ```
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_TOKEN, (token) => {
    const tail = TRAILING.exec(token)?.[0] ?? "";
    const url = token.slice(0, token.length - tail.length);
    const authority = url.slice(url.indexOf("://") + 3).split(/[/?#]/, 1)[0]!;
    if (!authority.includes("@") && !/[?#]/.test(url)) return token;
    const redacted = redactUrl(url);
    return (redacted === "(not a URL)" ? "(a URL, not shown)" : redacted) + tail;
  });
}
