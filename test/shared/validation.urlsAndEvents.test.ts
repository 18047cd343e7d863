/**
 * The callback URL and event-name rules of validateCallbackInputs: everything IMS would refuse, and
 * everything that would put a secret into the state, is refused at preview with a message that says
 * exactly what was found. (The table of all other rules is in validation.test.ts.)
 */
import { validateCallbackInputs, type CallbackInputsToValidate } from "../../lib/shared/validation";

const http = (over: Partial<CallbackInputsToValidate>): CallbackInputsToValidate => ({
  region: "cn-shanghai",
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete"],
  ...over,
});
const errorsFor = (over: Partial<CallbackInputsToValidate>) =>
  validateCallbackInputs(http(over)).filter((p) => p.severity === "error");

describe("callbackUrl", () => {
  it.each<[string, string, string]>([
    [
      "a trailing newline",
      "https://media.example.com/ims\n",
      "callbackUrl: has leading or trailing whitespace (a line break, a space or a tab); IMS stores the URL and signs callbacks with it exactly as sent. Remove it.",
    ],
    [
      "a leading space",
      " https://media.example.com/ims",
      "callbackUrl: has leading or trailing whitespace (a line break, a space or a tab); IMS stores the URL and signs callbacks with it exactly as sent. Remove it.",
    ],
    [
      "a line break inside",
      "https://media.example.com/\nims",
      "callbackUrl: contains whitespace or a control character (e.g. a line break) inside the URL; a URL has none. Remove it, or percent-encode a space in the path or query as %20.",
    ],
    [
      "a space inside the path",
      "https://media.example.com/ims events",
      "callbackUrl: contains whitespace or a control character (e.g. a line break) inside the URL; a URL has none. Remove it, or percent-encode a space in the path or query as %20.",
    ],
    [
      "a NUL character",
      "https://media.example.com/ims\u0000",
      "callbackUrl: contains whitespace or a control character (e.g. a line break) inside the URL; a URL has none. Remove it, or percent-encode a space in the path or query as %20.",
    ],
    [
      "two URLs joined by a comma",
      "https://a.example.com,https://b.example.com",
      'callbackUrl: holds more than one URL ("http://" or "https://" appears 2 times); IMS accepts exactly one. Keep one URL; a URL inside a query value must be percent-encoded.',
    ],
    [
      "two URLs run together",
      "https://a.example.comhttps://b.example.com",
      'callbackUrl: holds more than one URL ("http://" or "https://" appears 2 times); IMS accepts exactly one. Keep one URL; a URL inside a query value must be percent-encoded.',
    ],
    [
      "a comma in the query",
      "https://media.example.com/ims?events=a,b",
      'callbackUrl: contains ","; IMS accepts exactly one URL and does not document how it tells one URL from several, so it may read a comma or semicolon as a separator. Percent-encode it: %2C for ",", %3B for ";".',
    ],
    [
      "a semicolon and a comma in the path",
      "https://media.example.com/ims;v=1/a,b",
      'callbackUrl: contains ";" and ","; IMS accepts exactly one URL and does not document how it tells one URL from several, so it may read a comma or semicolon as a separator. Percent-encode it: %2C for ",", %3B for ";".',
    ],
  ])("is refused with %s, saying what was found", (_label, callbackUrl, reason) => {
    expect(errorsFor({ callbackUrl }).map((p) => p.reason)).toEqual([reason]);
  });

  it("accepts what IMS documents: one http(s) URL of up to 256 bytes, percent-encoded separators included", () => {
    for (const callbackUrl of [
      "https://media.example.com/ims",
      "https://media.example.com:8443/ims/events?source=ims&tag=a%2Cb%3Bc",
      `https://example.com/${"a".repeat(236)}`,
    ]) {
      expect(errorsFor({ callbackUrl })).toEqual([]);
    }
    expect(Buffer.byteLength(`https://example.com/${"a".repeat(236)}`)).toBe(256);
  });

  describe("with user credentials", () => {
    const password = "Pa55wordCanary";
    it.each([
      ["user and password", `https://ims:${password}@media.example.com/ims`],
      ["user only (often a token)", `https://${password}@media.example.com/ims`],
      ["credentials and another problem", `ftp://ims:${password}@media.example.com/ims`],
      ["credentials and trailing whitespace", `https://ims:${password}@media.example.com/ims `],
    ])("refuses %s, names the fix, and never shows the credentials", (_label, callbackUrl) => {
      const errors = errorsFor({ callbackUrl });
      expect(errors[0].reason).toBe(
        'callbackUrl: holds user credentials ("user:password@" before the host); they would be stored in plain text in the Pulumi state and in IMS. Remove them from the URL and set authKey instead: IMS then signs every callback and the receiver checks it with verifyCallback.',
      );
      for (const problem of errors) {
        expect(problem.reason).not.toContain(password);
        // Reported without the property, so the engine does not print the URL next to the message.
        expect(problem.sensitiveValue).toBe(true);
      }
    });

    it("marks nothing sensitive in a URL without credentials", () => {
      expect(errorsFor({ callbackUrl: "ftp://media.example.com/x" })).toEqual([
        {
          property: "callbackUrl",
          reason:
            'callbackUrl: must be an http:// or https:// URL, got "ftp://media.example.com/x".',
          severity: "error",
        },
      ]);
    });

    it("shows a URL that is refused for another reason with its credentials elided", () => {
      expect(
        errorsFor({ callbackUrl: `ftp://x:${password}@media.example.com/ims` }).map(
          (p) => p.reason,
        )[1],
      ).toBe(
        'callbackUrl: must be an http:// or https:// URL, got "ftp://…@media.example.com/ims".',
      );
    });
  });
});

describe("eventTypes", () => {
  it.each<[string, string, string]>([
    [
      "a space inside",
      "Produce MediaComplete",
      'eventTypes: "Produce MediaComplete" contains whitespace; event names have none. Did you mean "ProduceMediaComplete"?',
    ],
    [
      "a line break inside",
      "ProduceMedia\nComplete",
      'eventTypes: "ProduceMedia\\nComplete" contains whitespace; event names have none. Did you mean "ProduceMediaComplete"?',
    ],
    [
      "a trailing space",
      "SnapshotComplete ",
      'eventTypes: "SnapshotComplete " contains whitespace; event names have none. Did you mean "SnapshotComplete"?',
    ],
    [
      "a tab and no close name",
      "Foo\tBar",
      'eventTypes: "Foo\\tBar" contains whitespace; event names have none. Remove it.',
    ],
    [
      "a comma",
      "A,B",
      'eventTypes: "A,B" contains a comma, which IMS reads as the separator between names; list each event name as its own entry.',
    ],
    [
      "a comma and a space",
      "A, B",
      'eventTypes: "A, B" contains a comma, which IMS reads as the separator between names; list each event name as its own entry.',
    ],
    [
      "only whitespace",
      "  ",
      'eventTypes: each entry must be an event name such as "ProduceMediaComplete", got "  ".',
    ],
    [
      "an empty string",
      "",
      'eventTypes: each entry must be an event name such as "ProduceMediaComplete", got "".',
    ],
  ])("refuses a name with %s", (_label, name, reason) => {
    expect(errorsFor({ eventTypes: [name] }).map((p) => p.reason)).toEqual([reason]);
  });

  it("still only warns for a well-formed name outside the catalogue", () => {
    expect(errorsFor({ eventTypes: ["BrandNewEventComplete"] })).toEqual([]);
  });
});

describe("callbackUrl as the one shared parser reads it", () => {
  it.each([
    "http:media.example.com/ims",
    "http:/media.example.com/ims",
    "http:\\\\media.example.com\\ims",
    "https://media.example.com\\ims",
    "https:///media.example.com/ims",
  ])("refuses %j, which new URL would silently read as another URL", (url) => {
    expect(errorsFor({ callbackUrl: url }).map((p) => p.reason)).toEqual([
      `callbackUrl: must be an http:// or https:// URL, got ${JSON.stringify(url)}.`,
    ]);
  });

  it("shows a URL new URL cannot parse without its user info or query", () => {
    const reasons = errorsFor({
      callbackUrl: "http://admin:PassW0rd@media.example.com:99999/ims?token=Tok",
    }).map((p) => p.reason);
    expect(reasons).toContain(
      'callbackUrl: must be an http:// or https:// URL, got "http://…@media.example.com:99999/ims?…".',
    );
    expect(JSON.stringify(reasons)).not.toMatch(/admin|PassW0rd|token|Tok/);
  });

  it("shows a refused URL without its query or fragment", () => {
    const reasons = errorsFor({ callbackUrl: "ftp://media.example.com/x?sig=Abc#access_token=T" });
    expect(reasons.map((p) => p.reason)).toEqual([
      'callbackUrl: must be an http:// or https:// URL, got "ftp://media.example.com/x?…".',
    ]);
  });
});
