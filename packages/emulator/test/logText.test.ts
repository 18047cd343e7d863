/**
 * Proves: request text kept in the log is cut with a marker that says how much was cut, never in
 * the middle of a surrogate pair; printed request text has no character that moves the cursor,
 * changes the terminal's state, starts a line or reorders the line, and its escapes are unambiguous.
 * Does not prove: where the log and the CLI use them (control.test.ts, cli.test.ts).
 */
import { cutText, MAX_PRINTED_LENGTH, printableText } from "../src/ground/logText";

describe("cutText", () => {
  it("keeps short text and cuts long text with the number of characters cut", () => {
    expect(cutText("abc", 3)).toBe("abc");
    expect(cutText("abcdef", 3)).toBe("abc…[+3 characters]");
  });

  it("does not split a surrogate pair", () => {
    expect(cutText("ab😀cd", 3)).toBe("ab…[+4 characters]");
  });
});

describe("printableText", () => {
  it("escapes control, format and separator characters, and the backslash", () => {
    expect(printableText("a\x1b[2J\x07\x7f\x9b\u202e\u200b\u2028\ud800\\x1b\r\n\tb")).toBe(
      "a\\x1b[2J\\x07\\x7f\\x9b\\u202e\\u200b\\u2028\\ud800\\\\x1b\\r\\n\\tb",
    );
  });

  it("leaves other text, non-ASCII letters included, as it is", () => {
    expect(printableText("SetEventCallback 上海 é")).toBe("SetEventCallback 上海 é");
  });

  it(`cuts after ${MAX_PRINTED_LENGTH} characters before escaping`, () => {
    expect(printableText("\n".repeat(1_000))).toBe(
      `${"\\n".repeat(MAX_PRINTED_LENGTH)}…[+${1_000 - MAX_PRINTED_LENGTH} characters]`,
    );
  });
});
