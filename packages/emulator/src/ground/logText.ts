/**
 * Text taken from requests, made fit to keep (the request log, the unhandled list) and to print
 * (the `ims-emulator` command): cut to a bounded length with a marker, copied, and escaped.
 *
 * @packageDocumentation
 */

/**
 * `text` cut after `maxLength` characters, ending in `…[+N characters]` when cut, always as a new
 * string. The copy matters: V8 represents a slice, and each value `URLSearchParams` reads from a
 * body, as a view into the whole string it came from, so keeping a 16-character action name
 * would otherwise keep its 1 MB request body in memory.
 *
 * @example
 * ```ts
 * cutText("abcdef", 3); // "abc…[+3 characters]"
 * ```
 */
export function cutText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return copyText(text);
  // Never end on the first half of a surrogate pair.
  const end = isHighSurrogate(text.charCodeAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return `${copyText(text.slice(0, end))}…[+${text.length - end} characters]`;
}

/** A flat copy of `text` that shares no memory with it (UTF-16 round trip: lone surrogates survive). */
function copyText(text: string): string {
  return Buffer.from(text, "utf16le").toString("utf16le");
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** Request-derived text printed to the terminal is cut after this many characters. */
export const MAX_PRINTED_LENGTH = 128;

/**
 * Control characters (C0, DEL, C1), format characters (bidirectional overrides, zero-width
 * characters), line and paragraph separators, lone surrogates, and the backslash that starts
 * each escape (so an escape in the output always stands for one character of the input).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\\]/gu;

/**
 * `text` from a request as it can be printed to a terminal: cut after `maxLength` characters (see
 * {@link cutText}), then every character that could move the cursor, change the terminal's state,
 * start a new line or reorder what is shown escaped as `\xNN` or `\uNNNN` (a backslash as `\\`).
 *
 * @example
 * ```ts
 * printableText("Evil\x1b[2J\r\n"); // "Evil\\x1b[2J\\r\\n"
 * ```
 */
export function printableText(text: string, maxLength = MAX_PRINTED_LENGTH): string {
  return cutText(text, maxLength).replace(UNPRINTABLE, escapeCharacter);
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function escapeCharacter(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
