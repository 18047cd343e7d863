/**
 * Callback URLs: the one parser that validation and the policy pack decide with, and the one safe
 * form in which any message (validation, policies, the runtime's errors) shows a URL.
 *
 * @packageDocumentation
 */

/** An http(s) URL written the one way IMS documents: `scheme://host...`, forward slashes only. */
const WELL_FORMED_HTTP_URL = /^https?:\/\/[^/\\]/i;

/**
 * The URL, when `text` is a well-formed http(s) URL: it starts with `http://` or `https://`
 * (any case) directly followed by the host, holds no backslash, and `new URL` parses it with a
 * host. `undefined` otherwise.
 *
 * `new URL` alone is too lenient to decide on: it reads `http:host/path`, `http:/host/path`,
 * `http:\\host\path` and `https:///host` as ordinary URLs of that host, while a rule that looks at
 * the text (`^http://`) does not, so the two would disagree about what the URL is.
 *
 * @example
 * ```ts
 * parseHttpUrl("https://media.example.com/ims")?.hostname; // "media.example.com"
 * parseHttpUrl("http:media.example.com/ims"); // undefined
 * parseHttpUrl("https://media.example.com:99999/ims"); // undefined (port out of range)
 * ```
 */
export function parseHttpUrl(text: string): URL | undefined {
  if (!WELL_FORMED_HTTP_URL.test(text) || text.includes("\\")) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return undefined;
  }
  return url;
}

/** The longest URL text a message shows; longer text is cut (after secrets are removed). */
const MAX_SHOWN_LENGTH = 256;

/**
 * A URL as any message may show it, quoted: the user info is replaced by `…@`, and the query and
 * fragment by `?…` / `#…`, since any of them may carry a password or a token. Works on the text as
 * written, so a value that no parser accepts (an out-of-range port, `http:` without slashes) is shown
 * just as safely, and the user sees what they wrote.
 *
 * Where the user info can be: before the last `@`. Parsers end it at the first `/`, `?` or `#`, but a
 * password may hold one of them unencoded (`http://admin:pa?ss@host`), so everything between the
 * scheme and the last `@` of the whole text is hidden (an `@` in a query hides the host too: safe,
 * if less telling). A leading `word:` counts as a scheme only when it is `http:`/`https:` or is
 * followed by a slash, so `user:pw@host` loses `user:pw` too.
 *
 * @example
 * ```ts
 * describeUrl("http://admin:pw@media.example.com:99999/ims?token=abc");
 * // '"http://…@media.example.com:99999/ims?…"'
 * ```
 */
export function describeUrl(text: string): string {
  const whole = safeUrlText(text);
  return JSON.stringify(
    whole.length > MAX_SHOWN_LENGTH ? `${whole.slice(0, MAX_SHOWN_LENGTH)}…` : whole,
  );
}

/**
 * Whether a URL holds a part that {@link describeUrl} hides (user info, a query or a fragment),
 * that is, a part that may carry a password or a token and must not be shown or stored in clear.
 *
 * @example
 * ```ts
 * urlHasHiddenParts("https://media.example.com/ims"); // false
 * urlHasHiddenParts("https://media.example.com/ims?token=abc"); // true
 * ```
 */
export function urlHasHiddenParts(text: string): boolean {
  return safeUrlText(text) !== text;
}

/** The text of {@link describeUrl}, unquoted and uncut. */
function safeUrlText(text: string): string {
  const scheme = /^(?:https?:|[A-Za-z][A-Za-z0-9+.-]*:(?=[/\\]))[/\\]*/i.exec(text);
  const start = scheme ? scheme[0].length : 0;
  const at = text.lastIndexOf("@");
  const head = at < start ? text.slice(0, start) : `${text.slice(0, start)}…`;
  const rest = text.slice(Math.max(at, start));
  const end = rest.search(/[?#]/);
  return end === -1 ? `${head}${rest}` : `${head}${rest.slice(0, end)}${rest[end]}…`;
}
