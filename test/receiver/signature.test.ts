/**
 * Callback verification: every failure reason with its exact message, the header shapes Node, Fetch
 * and plain objects give, both edges of the tolerance window on both sides, the injected clock, key
 * rotation, programmer errors, sign → verify, and Alibaba's worked example.
 *
 * Proves the helpers implement the documented formula and our window rules; does not prove what IMS
 * really sends (the end-to-end test with the emulator does that as far as an emulator can).
 */
import { createHash, timingSafeEqual } from "crypto";
import {
  assertValidCallback,
  CallbackRequest,
  CallbackVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  signCallback,
  verifyCallback,
  VerifyCallbackOptions,
} from "../../lib/receiver";
import { computeCallbackSignature } from "../../lib/receiver/signature";

// Wrap timingSafeEqual so the tests can see it is used (the real function still runs).
jest.mock("crypto", () => {
  const actual = jest.requireActual<typeof import("crypto")>("crypto");
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});
const timingSafeEqualMock = timingSafeEqual as jest.MockedFunction<typeof timingSafeEqual>;

const CALLBACK_URL = "https://media.example.com/ims/callback";
const KEY = "NewKey2025";
const OLD_KEY = "OldKey2024";
const T = 1_700_000_000; // Unix seconds
const NOW_MS = T * 1000;

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
const sig = (timestamp: number | string, key = KEY, url = CALLBACK_URL): string =>
  md5(`${url}|${timestamp}|${key}`);
const clock = (ms: number) => () => ms;
const opts = (over: Partial<VerifyCallbackOptions> = {}): VerifyCallbackOptions => ({
  callbackUrl: CALLBACK_URL,
  authKeys: KEY,
  now: clock(NOW_MS),
  ...over,
});
const req = (headers: CallbackRequest["headers"]): CallbackRequest => ({ headers });

describe("Alibaba's worked example (IMS 'Callback authentication' page)", () => {
  // Source: https://help.aliyun.com/document_detail/610690.html (zh) and its translations, e.g.
  // https://www.alibabacloud.com/help/en/ims/user-guide/callback-authentication (en; same inputs),
  // .../help/ja/ims/user-guide/callback-authentication and .../help/tc/... — all print:
  //   X-ICE-SIGNATURE = md5sum(https://www.example.com/your/callback|1519375990|Test123)
  //                   = c72b60894140fa98920f1279219b****        (last four digits masked)
  // The real MD5 of that string is c587b80d2d0ede300e8967937da7219b: the page's digest is wrong
  // for its own inputs. Its 28 visible digits are exactly those of
  //   md5("https://www.example.com/your/callback|1519375990|test123") = c72b60894140fa98920f1279219b7ed4
  // i.e. the page computed it with the key in lower case ("test123", which would not even pass
  // IMS's own key rule: upper case, lower case and digits). We assert the real digest.
  const url = "https://www.example.com/your/callback";
  const timestamp = "1519375990";
  const key = "Test123";
  const REAL = "c587b80d2d0ede300e8967937da7219b";
  const PRINTED_PREFIX = "c72b60894140fa98920f1279219b";

  it("computes the real MD5 of the page's inputs", () => {
    expect(computeCallbackSignature(url, timestamp, key)).toBe(REAL);
    expect(md5(`${url}|${timestamp}|${key}`)).toBe(REAL); // independent of the helper
    expect(signCallback({ callbackUrl: url, authKey: key, timestamp: 1519375990 })).toEqual({
      "X-ICE-TIMESTAMP": "1519375990",
      "X-ICE-SIGNATURE": REAL,
    });
  });

  it("shows the page's printed digest belongs to the lower-case key 'test123', not 'Test123'", () => {
    expect(REAL.startsWith(PRINTED_PREFIX)).toBe(false);
    expect(md5(`${url}|${timestamp}|test123`)).toBe(`${PRINTED_PREFIX}7ed4`);
  });

  it("verifies the example request at its own time, and rejects the page's digest", () => {
    const at = (s: number) => ({ callbackUrl: url, authKeys: key, now: clock(s * 1000) });
    expect(
      verifyCallback(
        req({ "x-ice-timestamp": timestamp, "x-ice-signature": REAL }),
        at(1519375990),
      ),
    ).toEqual({
      ok: true,
      timestamp: 1519375990,
      keyIndex: 0,
    });
    const printed = md5(`${url}|${timestamp}|test123`);
    expect(
      verifyCallback(
        req({ "x-ice-timestamp": timestamp, "x-ice-signature": printed }),
        at(1519375990),
      ),
    ).toMatchObject({
      ok: false,
      reason: "mismatch",
    });
  });
});

describe("the MD5 fallback for Node 20 releases without crypto.hash (before 20.12)", () => {
  it("computes the same signatures with createHash", () => {
    // The (mocked, hence mutable) crypto module object that lib/receiver reads at call time.
    const cryptoModule = jest.requireMock<Record<string, unknown>>("crypto");
    const saved = cryptoModule.hash;
    expect(typeof saved).toBe("function"); // Node 20.20 has it: the fast path is the one normally tested
    cryptoModule.hash = undefined;
    try {
      expect(
        computeCallbackSignature("https://www.example.com/your/callback", "1519375990", "Test123"),
      ).toBe("c587b80d2d0ede300e8967937da7219b");
      const headers = signCallback({ callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: T });
      expect(headers["X-ICE-SIGNATURE"]).toBe(sig(T));
      expect(verifyCallback(req(headers), opts())).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
    } finally {
      cryptoModule.hash = saved;
    }
  });
});

describe("verifyCallback: failure reasons", () => {
  const good = sig(T);
  it.each<[string, CallbackRequest["headers"], string, string]>([
    [
      "no headers at all",
      {},
      "missing-header",
      "Missing X-ICE-TIMESTAMP and X-ICE-SIGNATURE headers; is callback authentication (AuthSwitch) on in IMS?",
    ],
    [
      "no signature",
      { "x-ice-timestamp": String(T) },
      "missing-header",
      "Missing X-ICE-SIGNATURE header.",
    ],
    [
      "no timestamp",
      { "x-ice-signature": good },
      "missing-header",
      "Missing X-ICE-TIMESTAMP header.",
    ],
    [
      "empty signature",
      { "x-ice-timestamp": String(T), "x-ice-signature": "" },
      "missing-header",
      "Missing X-ICE-SIGNATURE header.",
    ],
    [
      "blank timestamp",
      { "x-ice-timestamp": "  ", "x-ice-signature": good },
      "missing-header",
      "Missing X-ICE-TIMESTAMP header.",
    ],
    [
      "empty array",
      { "x-ice-timestamp": [], "x-ice-signature": good },
      "missing-header",
      "Missing X-ICE-TIMESTAMP header.",
    ],
    [
      "undefined value",
      { "x-ice-timestamp": undefined, "x-ice-signature": good },
      "missing-header",
      "Missing X-ICE-TIMESTAMP header.",
    ],
    [
      "letters",
      { "x-ice-timestamp": "abc", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "abc".',
    ],
    [
      "negative",
      { "x-ice-timestamp": "-1700000000", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "-1700000000".',
    ],
    [
      "fraction",
      { "x-ice-timestamp": "1700000000.5", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "1700000000.5".',
    ],
    [
      "exponent",
      { "x-ice-timestamp": "17e8", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "17e8".',
    ],
    [
      "ISO date",
      { "x-ice-timestamp": "2023-11-14T22:13:20Z", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "2023-11-14T22:13:20Z".',
    ],
    [
      "16 digits (beyond any sensible time)",
      { "x-ice-timestamp": "1700000000000000", "x-ice-signature": good },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "1700000000000000".',
    ],
    [
      "long garbage is cut in the message",
      { "x-ice-timestamp": "x".repeat(100), "x-ice-signature": good },
      "bad-timestamp",
      `X-ICE-TIMESTAMP must be Unix seconds (digits only), got "${"x".repeat(40)}…".`,
    ],
    [
      "forged signature (well-formed hex)",
      { "x-ice-timestamp": String(T), "x-ice-signature": "0123456789abcdef0123456789abcdef" },
      "mismatch",
      "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    ],
    [
      "signature of another timestamp (body reused with a new time)",
      { "x-ice-timestamp": String(T), "x-ice-signature": sig(T - 1) },
      "mismatch",
      "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    ],
    [
      "signed for the URL with a trailing slash",
      { "x-ice-timestamp": String(T), "x-ice-signature": sig(T, KEY, `${CALLBACK_URL}/`) },
      "mismatch",
      "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    ],
    [
      "signed for the http:// URL a proxy forwarded to",
      {
        "x-ice-timestamp": String(T),
        "x-ice-signature": sig(T, KEY, CALLBACK_URL.replace("https:", "http:")),
      },
      "mismatch",
      "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    ],
    [
      "not hex",
      { "x-ice-timestamp": String(T), "x-ice-signature": "zz".repeat(16) },
      "mismatch",
      "X-ICE-SIGNATURE is not a 32-character hex MD5 digest.",
    ],
    [
      "too short",
      { "x-ice-timestamp": String(T), "x-ice-signature": good.slice(0, 31) },
      "mismatch",
      "X-ICE-SIGNATURE is not a 32-character hex MD5 digest.",
    ],
    [
      "SHA-256 instead of MD5",
      {
        "x-ice-timestamp": String(T),
        "x-ice-signature": createHash("sha256").update(`${CALLBACK_URL}|${T}|${KEY}`).digest("hex"),
      },
      "mismatch",
      "X-ICE-SIGNATURE is not a 32-character hex MD5 digest.",
    ],
    [
      "stale: genuine but 301 s old",
      { "x-ice-timestamp": String(T - 301), "x-ice-signature": sig(T - 301) },
      "stale",
      "X-ICE-TIMESTAMP 1699999699 is 301 s old, beyond the tolerance of 300 s (a replay, or a clock out of sync).",
    ],
    [
      "future: genuine but 301 s ahead",
      { "x-ice-timestamp": String(T + 301), "x-ice-signature": sig(T + 301) },
      "future",
      "X-ICE-TIMESTAMP 1700000301 is 301 s in the future, beyond the tolerance of 300 s (check the clocks).",
    ],
    [
      "future: milliseconds sent instead of seconds",
      { "x-ice-timestamp": String(NOW_MS), "x-ice-signature": sig(NOW_MS) },
      "future",
      "X-ICE-TIMESTAMP 1700000000000 is 1698300000000 s in the future, beyond the tolerance of 300 s (check the clocks). It looks like milliseconds; IMS sends seconds.",
    ],
  ])("%s", (_name, headers, reason, message) => {
    expect(verifyCallback(req(headers), opts())).toEqual({ ok: false, reason, message });
  });

  it("checks the signature before the window: a forged, stale request is a mismatch, not stale", () => {
    const result = verifyCallback(
      req({
        "x-ice-timestamp": String(T - 10_000),
        "x-ice-signature": sig(T - 10_000, "WrongKey1"),
      }),
      opts(),
    );
    expect(result).toMatchObject({ ok: false, reason: "mismatch" });
  });

  it("never rebuilds the URL from the request: Host and path headers are ignored", () => {
    const headers = {
      host: "attacker.example",
      ":path": "/other",
      "x-ice-timestamp": String(T),
      "x-ice-signature": sig(T),
    };
    expect(verifyCallback(req(headers), opts())).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
    const signedForHost = {
      ...headers,
      "x-ice-signature": sig(T, KEY, "https://attacker.example/other"),
    };
    expect(verifyCallback(req(signedForHost), opts())).toMatchObject({
      ok: false,
      reason: "mismatch",
    });
  });
});

describe("verifyCallback: header shapes", () => {
  const ts = String(T);
  const good = sig(T);
  const fetchHeaders = new Headers();
  fetchHeaders.set("X-ICE-TIMESTAMP", ts);
  fetchHeaders.set("X-ICE-SIGNATURE", good);
  const repeated = new Headers();
  repeated.append("x-ice-timestamp", ts);
  repeated.append("x-ice-timestamp", "999");
  repeated.append("x-ice-signature", good);
  repeated.append("x-ice-signature", "0".repeat(32));

  it.each<[string, CallbackRequest["headers"]]>([
    [
      "Node IncomingHttpHeaders (lower-case)",
      { "x-ice-timestamp": ts, "x-ice-signature": good, "content-type": "application/json" },
    ],
    [
      "Node arrays: the first value is used",
      { "x-ice-timestamp": [ts, "1"], "x-ice-signature": [good, "0".repeat(32)] },
    ],
    ["plain object, documented case", { "X-ICE-TIMESTAMP": ts, "X-ICE-SIGNATURE": good }],
    ["plain object, mixed case", { "X-Ice-Timestamp": ts, "x-ICE-signature": good }],
    [
      "plain object, undefined lower-case entry next to a mixed-case one",
      { "x-ice-timestamp": undefined, "X-Ice-Timestamp": ts, "X-Ice-Signature": good },
    ],
    ["numeric timestamp value", { "x-ice-timestamp": T, "x-ice-signature": good }],
    ["surrounding whitespace", { "x-ice-timestamp": ` ${ts} `, "x-ice-signature": ` ${good}\t` }],
    ["upper-case hex signature", { "x-ice-timestamp": ts, "x-ice-signature": good.toUpperCase() }],
    ["Fetch Headers", fetchHeaders],
    ["Fetch Headers with repeated headers (joined by ', '): the first value is used", repeated],
  ])("%s", (_name, headers) => {
    expect(verifyCallback(req(headers), opts())).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
  });

  it("accepts a Fetch Request as the request", () => {
    const request = new Request(CALLBACK_URL, {
      method: "POST",
      headers: signCallback({ callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: T }),
    });
    expect(verifyCallback(request, opts())).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
  });
});

describe("verifyCallback: the tolerance window", () => {
  const headers = { "x-ice-timestamp": String(T), "x-ice-signature": sig(T) };
  it.each<[string, number, number | undefined, string]>([
    // [case, clock in ms, toleranceSeconds, expected reason or "ok"]
    ["same second", NOW_MS, undefined, "ok"],
    ["300 s old exactly (inclusive)", NOW_MS + 300_000, undefined, "ok"],
    ["300.001 s old", NOW_MS + 300_001, undefined, "stale"],
    ["300 s ahead exactly (inclusive)", NOW_MS - 300_000, undefined, "ok"],
    ["300.001 s ahead", NOW_MS - 300_001, undefined, "future"],
    ["tolerance 60: 60 s old", NOW_MS + 60_000, 60, "ok"],
    ["tolerance 60: 61 s old", NOW_MS + 61_000, 60, "stale"],
    ["tolerance 60: 60 s ahead", NOW_MS - 60_000, 60, "ok"],
    ["tolerance 60: 61 s ahead", NOW_MS - 61_000, 60, "future"],
    ["tolerance 0: same millisecond", NOW_MS, 0, "ok"],
    ["tolerance 0: 1 ms later", NOW_MS + 1, 0, "stale"],
    ["tolerance 0: 1 ms earlier", NOW_MS - 1, 0, "future"],
    ["tolerance 86400: a day old", NOW_MS + 86_400_000, 86_400, "ok"],
  ])("%s", (_name, nowMs, toleranceSeconds, expected) => {
    const result = verifyCallback(req(headers), opts({ now: clock(nowMs), toleranceSeconds }));
    expect(result.ok ? "ok" : result.reason).toBe(expected);
  });

  it("reports the exact age in the stale message at the edge", () => {
    expect(verifyCallback(req(headers), opts({ now: clock(NOW_MS + 300_001) }))).toEqual({
      ok: false,
      reason: "stale",
      message:
        "X-ICE-TIMESTAMP 1700000000 is 300.001 s old, beyond the tolerance of 300 s (a replay, or a clock out of sync).",
    });
  });

  it("defaults to 300 s and to the real clock", () => {
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    const nowSpy = jest.spyOn(Date, "now").mockReturnValue(NOW_MS + 300_001);
    try {
      expect(
        verifyCallback(req(headers), { callbackUrl: CALLBACK_URL, authKeys: KEY }),
      ).toMatchObject({ ok: false, reason: "stale" });
      nowSpy.mockReturnValue(NOW_MS + 300_000);
      expect(
        verifyCallback(req(headers), { callbackUrl: CALLBACK_URL, authKeys: KEY }),
      ).toMatchObject({ ok: true });
    } finally {
      nowSpy.mockRestore();
    }
  });

  it("reads the injected clock on every call", () => {
    let ms = NOW_MS;
    const options = opts({ now: () => ms });
    expect(verifyCallback(req(headers), options).ok).toBe(true);
    ms = NOW_MS + 301_000;
    expect(verifyCallback(req(headers), options)).toMatchObject({ ok: false, reason: "stale" });
  });
});

describe("verifyCallback: key rotation", () => {
  const signedWith = (key: string) =>
    req({ "x-ice-timestamp": String(T), "x-ice-signature": sig(T, key) });

  it("accepts both keys while both are configured, and says which one matched", () => {
    const both = opts({ authKeys: [KEY, OLD_KEY] });
    expect(verifyCallback(signedWith(KEY), both)).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
    expect(verifyCallback(signedWith(OLD_KEY), both)).toEqual({
      ok: true,
      timestamp: T,
      keyIndex: 1,
    });
  });

  it("rejects the rotated-out key once it is dropped", () => {
    expect(verifyCallback(signedWith(OLD_KEY), opts({ authKeys: [KEY] }))).toEqual({
      ok: false,
      reason: "mismatch",
      message:
        "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    });
    expect(verifyCallback(signedWith(OLD_KEY), opts({ authKeys: KEY }))).toMatchObject({
      ok: false,
      reason: "mismatch",
    });
    expect(verifyCallback(signedWith(KEY), opts({ authKeys: KEY }))).toMatchObject({
      ok: true,
      keyIndex: 0,
    });
  });

  it("rejects a third key, naming how many keys were tried", () => {
    expect(verifyCallback(signedWith("ThirdKey9"), opts({ authKeys: [KEY, OLD_KEY] }))).toEqual({
      ok: false,
      reason: "mismatch",
      message:
        "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and any of the 2 auth keys.",
    });
  });

  it("compares with crypto.timingSafeEqual against every key, without stopping at the first match", () => {
    timingSafeEqualMock.mockClear();
    verifyCallback(signedWith(KEY), opts({ authKeys: [KEY, OLD_KEY, "ThirdKey9"] }));
    expect(timingSafeEqualMock).toHaveBeenCalledTimes(3);
    for (const [a, b] of timingSafeEqualMock.mock.calls) {
      // Both sides are 32-byte lower-case hex text.
      expect(Buffer.from(a as Uint8Array).toString("latin1")).toMatch(/^[0-9a-f]{32}$/);
      expect(Buffer.from(b as Uint8Array).toString("latin1")).toBe(sig(T));
    }
  });

  it("compares upper-case hex input lower-cased", () => {
    timingSafeEqualMock.mockClear();
    const result = verifyCallback(
      req({ "x-ice-timestamp": String(T), "x-ice-signature": sig(T).toUpperCase() }),
      opts(),
    );
    expect(result).toEqual({ ok: true, timestamp: T, keyIndex: 0 });
    expect(Buffer.from(timingSafeEqualMock.mock.calls[0][1] as Uint8Array).toString("latin1")).toBe(
      sig(T),
    );
  });
});

describe("assertValidCallback", () => {
  it("returns the success result", () => {
    expect(
      assertValidCallback(req({ "x-ice-timestamp": String(T), "x-ice-signature": sig(T) }), opts()),
    ).toEqual({
      ok: true,
      timestamp: T,
      keyIndex: 0,
    });
  });

  it.each<[string, CallbackRequest["headers"], string, string]>([
    [
      "missing",
      {},
      "missing-header",
      "Missing X-ICE-TIMESTAMP and X-ICE-SIGNATURE headers; is callback authentication (AuthSwitch) on in IMS?",
    ],
    [
      "bad timestamp",
      { "x-ice-timestamp": "soon", "x-ice-signature": sig(T) },
      "bad-timestamp",
      'X-ICE-TIMESTAMP must be Unix seconds (digits only), got "soon".',
    ],
    [
      "forged",
      { "x-ice-timestamp": String(T), "x-ice-signature": "f".repeat(32) },
      "mismatch",
      "X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and the auth key.",
    ],
    [
      "stale",
      { "x-ice-timestamp": String(T - 400), "x-ice-signature": sig(T - 400) },
      "stale",
      "X-ICE-TIMESTAMP 1699999600 is 400 s old, beyond the tolerance of 300 s (a replay, or a clock out of sync).",
    ],
    [
      "future",
      { "x-ice-timestamp": String(T + 400), "x-ice-signature": sig(T + 400) },
      "future",
      "X-ICE-TIMESTAMP 1700000400 is 400 s in the future, beyond the tolerance of 300 s (check the clocks).",
    ],
  ])("throws CallbackVerificationError for %s", (_name, headers, reason, message) => {
    let thrown: unknown;
    try {
      assertValidCallback(req(headers), opts());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CallbackVerificationError);
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as CallbackVerificationError;
    expect(error.name).toBe("CallbackVerificationError");
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });
});

describe("programmer errors are TypeErrors that say what is wrong", () => {
  const headers = req({ "x-ice-timestamp": String(T), "x-ice-signature": sig(T) });
  const cases: [string, unknown, string][] = [
    [
      "no options",
      undefined,
      "verifyCallback: options are required: { callbackUrl, authKeys, toleranceSeconds?, now? }.",
    ],
    [
      "no key",
      { callbackUrl: CALLBACK_URL },
      "verifyCallback: options.authKeys is required: the auth key configured in IMS, or a list of keys during a rotation.",
    ],
    [
      "empty key",
      { callbackUrl: CALLBACK_URL, authKeys: "" },
      "verifyCallback: options.authKeys is empty; pass the auth key configured in IMS.",
    ],
    [
      "empty key list",
      { callbackUrl: CALLBACK_URL, authKeys: [] },
      "verifyCallback: options.authKeys is an empty list; pass at least one auth key.",
    ],
    [
      "empty key in the list",
      { callbackUrl: CALLBACK_URL, authKeys: [KEY, ""] },
      "verifyCallback: options.authKeys[1] is empty; pass the auth key configured in IMS.",
    ],
    [
      "non-string key in the list",
      { callbackUrl: CALLBACK_URL, authKeys: [KEY, undefined] },
      "verifyCallback: options.authKeys[1] is missing; pass the auth key configured in IMS.",
    ],
    [
      "key with a trailing newline",
      { callbackUrl: CALLBACK_URL, authKeys: `${KEY}\n` },
      "verifyCallback: options.authKeys has leading or trailing whitespace; IMS signs with the key exactly as configured, so trim it where it is loaded (e.g. from an environment variable or file).",
    ],
    [
      "key in a list with a leading space",
      { callbackUrl: CALLBACK_URL, authKeys: [KEY, ` ${OLD_KEY}`] },
      "verifyCallback: options.authKeys[1] has leading or trailing whitespace; IMS signs with the key exactly as configured, so trim it where it is loaded (e.g. from an environment variable or file).",
    ],
    [
      "no URL",
      { authKeys: KEY },
      "verifyCallback: options.callbackUrl is required: the CallbackURL configured in IMS, exactly as configured.",
    ],
    [
      "empty URL",
      { callbackUrl: "", authKeys: KEY },
      "verifyCallback: options.callbackUrl is required: the CallbackURL configured in IMS, exactly as configured.",
    ],
    [
      "URL without a scheme",
      { callbackUrl: "media.example.com/ims/callback", authKeys: KEY },
      'verifyCallback: options.callbackUrl must be an http:// or https:// URL, got "media.example.com/ims/callback".',
    ],
    [
      "ftp URL",
      { callbackUrl: "ftp://media.example.com/x", authKeys: KEY },
      'verifyCallback: options.callbackUrl must be an http:// or https:// URL, got "ftp://media.example.com/x".',
    ],
    [
      "URL with trailing whitespace",
      { callbackUrl: `${CALLBACK_URL} `, authKeys: KEY },
      "verifyCallback: options.callbackUrl has leading or trailing whitespace; IMS signs the URL exactly as configured.",
    ],
    [
      "negative tolerance",
      { callbackUrl: CALLBACK_URL, authKeys: KEY, toleranceSeconds: -1 },
      "verifyCallback: options.toleranceSeconds must be a finite number of seconds >= 0, got -1.",
    ],
    [
      "NaN tolerance",
      { callbackUrl: CALLBACK_URL, authKeys: KEY, toleranceSeconds: NaN },
      "verifyCallback: options.toleranceSeconds must be a finite number of seconds >= 0, got NaN.",
    ],
    [
      "infinite tolerance",
      { callbackUrl: CALLBACK_URL, authKeys: KEY, toleranceSeconds: Infinity },
      "verifyCallback: options.toleranceSeconds must be a finite number of seconds >= 0, got Infinity.",
    ],
    [
      "clock that is not a function",
      { callbackUrl: CALLBACK_URL, authKeys: KEY, now: 5 },
      "verifyCallback: options.now must be a function returning milliseconds since the epoch.",
    ],
  ];

  it.each(cases)("%s", (_name, options, message) => {
    expect(() => verifyCallback(headers, options as VerifyCallbackOptions)).toThrow(
      new TypeError(message),
    );
    // The throwing variant throws the same TypeError, not a CallbackVerificationError.
    expect(() => assertValidCallback(headers, options as VerifyCallbackOptions)).toThrow(TypeError);
  });

  it("never puts the key in the message", () => {
    const secret = " SuperSecret123";
    expect(() => verifyCallback(headers, { callbackUrl: CALLBACK_URL, authKeys: secret })).toThrow(
      TypeError,
    );
    try {
      verifyCallback(headers, { callbackUrl: CALLBACK_URL, authKeys: secret });
    } catch (e) {
      expect((e as Error).message).not.toContain("SuperSecret123");
    }
  });

  it.each<[string, () => unknown, string]>([
    ["undefined (a clock without a return)", () => undefined, "undefined"],
    ["a string", () => "1700000000000", '"1700000000000"'],
    ["NaN", () => NaN, "NaN"],
    ["Infinity", () => Infinity, "Infinity"],
    ["a Date object", () => new Date(NOW_MS), "an object"],
  ])(
    "fails closed with a TypeError when the clock returns %s, whatever the request",
    (_label, now, shown) => {
      const message = `verifyCallback: options.now must return milliseconds since the epoch as a finite number, got ${shown}.`;
      const options = {
        callbackUrl: CALLBACK_URL,
        authKeys: KEY,
        now,
      } as unknown as VerifyCallbackOptions;
      // A genuinely signed, current request: without the check it would be accepted with any date.
      expect(() => verifyCallback(headers, options)).toThrow(new TypeError(message));
      expect(() => assertValidCallback(headers, options)).toThrow(new TypeError(message));
      // And a request that fails anyway still reports the programming error first.
      expect(() => verifyCallback(req({}), options)).toThrow(new TypeError(message));
    },
  );

  it("rejects a request without headers", () => {
    expect(() => verifyCallback({} as CallbackRequest, opts())).toThrow(
      new TypeError(
        "verifyCallback: request.headers is required (a Node IncomingMessage, a Fetch Request or { headers }).",
      ),
    );
  });

  it("checks options even when the request would fail anyway", () => {
    expect(() => verifyCallback(req({}), { callbackUrl: CALLBACK_URL, authKeys: [] })).toThrow(
      TypeError,
    );
  });
});

describe("signCallback", () => {
  it("produces headers that verifyCallback accepts (round trip), for one key or a rotated pair", () => {
    const headers = signCallback({ callbackUrl: CALLBACK_URL, authKey: OLD_KEY, timestamp: T });
    expect(headers).toEqual({
      "X-ICE-TIMESTAMP": "1700000000",
      "X-ICE-SIGNATURE": sig(T, OLD_KEY),
    });
    expect(headers["X-ICE-SIGNATURE"]).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyCallback(req(headers), opts({ authKeys: OLD_KEY }))).toEqual({
      ok: true,
      timestamp: T,
      keyIndex: 0,
    });
    expect(verifyCallback(req(headers), opts({ authKeys: [KEY, OLD_KEY] }))).toEqual({
      ok: true,
      timestamp: T,
      keyIndex: 1,
    });
    expect(verifyCallback(req(headers), opts({ authKeys: KEY }))).toMatchObject({
      ok: false,
      reason: "mismatch",
    });
  });

  it("defaults the timestamp to the current second", () => {
    const nowSpy = jest.spyOn(Date, "now").mockReturnValue(NOW_MS + 999);
    try {
      expect(signCallback({ callbackUrl: CALLBACK_URL, authKey: KEY })).toEqual({
        "X-ICE-TIMESTAMP": "1700000000",
        "X-ICE-SIGNATURE": sig(T),
      });
    } finally {
      nowSpy.mockRestore();
    }
  });

  it("signs timestamp 0 (not replaced by the default)", () => {
    expect(
      signCallback({ callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: 0 })["X-ICE-TIMESTAMP"],
    ).toBe("0");
  });

  it.each<[string, unknown, string]>([
    [
      "no options",
      undefined,
      "signCallback: options are required: { callbackUrl, authKey, timestamp? }.",
    ],
    [
      "no key",
      { callbackUrl: CALLBACK_URL },
      "signCallback: options.authKey is missing; pass the auth key configured in IMS.",
    ],
    [
      "key with whitespace",
      { callbackUrl: CALLBACK_URL, authKey: `${KEY} ` },
      "signCallback: options.authKey has leading or trailing whitespace; IMS signs with the key exactly as configured, so trim it where it is loaded (e.g. from an environment variable or file).",
    ],
    [
      "bad URL",
      { callbackUrl: "callback", authKey: KEY },
      'signCallback: options.callbackUrl must be an http:// or https:// URL, got "callback".',
    ],
    [
      "milliseconds-looking fraction",
      { callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: 1.5 },
      "signCallback: options.timestamp must be Unix seconds (a non-negative integer), got 1.5.",
    ],
    [
      "negative timestamp",
      { callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: -1 },
      "signCallback: options.timestamp must be Unix seconds (a non-negative integer), got -1.",
    ],
    [
      "string timestamp",
      { callbackUrl: CALLBACK_URL, authKey: KEY, timestamp: "1700000000" },
      "signCallback: options.timestamp must be Unix seconds (a non-negative integer), got 1700000000.",
    ],
  ])("throws TypeError: %s", (_name, options, message) => {
    expect(() => signCallback(options as Parameters<typeof signCallback>[0])).toThrow(
      new TypeError(message),
    );
  });
});
