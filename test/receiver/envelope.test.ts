/**
 * Envelope parsing: the typed result for known events, the open fallback for unknown ones, the exact
 * digits of a 16-digit UserId, every accepted input shape (string, Buffer, Uint8Array view, parsed
 * object, Base64 queue content, MessageBody as JSON text), and an exact reason and message for every
 * kind of malformed body.
 *
 * Proves the parser handles the envelope as documented; does not prove the shape of each event's
 * MessageBody, which the docs do not pin down beyond the common fields.
 */
import {
  CallbackEventParseError,
  CallbackEventParseFailureReason,
  ImsCallbackEvent,
  KnownCallbackEvent,
  parseCallbackEvent,
} from "../../lib/receiver/envelope";
import {
  IMS_EVENT_CATEGORY,
  IMS_EVENT_TYPES,
  type ImsEventCategory,
} from "../../lib/shared/events";

const BODY = {
  EventType: "ProduceMediaComplete",
  UserId: 1234567890123456,
  EventTime: "2025-06-01T08:00:00Z",
  MessageBody: {
    Status: "Success",
    MediaId: "m-1",
    JobId: "j-1",
    UserData: '{"k":"v"}',
    ProjectId: "p-1",
  },
};
const JSON_TEXT = JSON.stringify(BODY);
const envelope = (over: Record<string, unknown>): string => JSON.stringify({ ...BODY, ...over });
const without = (field: string): string => {
  const copy: Record<string, unknown> = { ...BODY };
  delete copy[field];
  return JSON.stringify(copy);
};

function parseError(body: Parameters<typeof parseCallbackEvent>[0]): CallbackEventParseError {
  try {
    parseCallbackEvent(body);
  } catch (e) {
    if (e instanceof CallbackEventParseError) return e;
    throw e;
  }
  throw new Error("expected a CallbackEventParseError, got a result");
}

describe("parseCallbackEvent: a known event", () => {
  it("gives every field of a known event", () => {
    const event = parseCallbackEvent(JSON_TEXT);
    expect(event).toEqual({
      known: true,
      eventType: "ProduceMediaComplete",
      category: "intelligentEditing",
      retiresOn: undefined,
      userId: "1234567890123456",
      eventTime: new Date(Date.UTC(2025, 5, 1, 8, 0, 0)),
      eventTimeText: "2025-06-01T08:00:00Z",
      messageBody: {
        Status: "Success",
        MediaId: "m-1",
        JobId: "j-1",
        UserData: '{"k":"v"}',
        ProjectId: "p-1",
      },
      encoding: "json",
      raw: BODY,
    });
  });

  // Type tests: ts-jest and `npm run typecheck` compile this file, and an `@ts-expect-error` that
  // finds no error is itself a compile error, so each line below fails the suite if the types loosen.
  it("types the result as a union narrowed by `known`, then by `eventType`", () => {
    const event: ImsCallbackEvent = parseCallbackEvent(JSON_TEXT);
    // @ts-expect-error only known events have a category
    expect(event.category).toBe("intelligentEditing");
    if (!event.known) throw new Error("expected a known event");
    const category: ImsEventCategory = event.category;
    expect(category).toBe("intelligentEditing");
    // @ts-expect-error a known event's type is a catalogue name, not any string
    const notACatalogueName: typeof event.eventType = "NoSuchEvent";
    expect(notACatalogueName).toBe("NoSuchEvent");
    if (event.eventType !== "ProduceMediaComplete")
      throw new Error("expected ProduceMediaComplete");
    const narrowed: KnownCallbackEvent<"ProduceMediaComplete"> = event;
    // @ts-expect-error narrowed to ProduceMediaComplete, so it is no other event type
    const other: KnownCallbackEvent<"TranscodeComplete"> = event;
    expect([narrowed, other]).toEqual([event, event]);
  });

  it("types an unknown event's name as any string, with no category", () => {
    const event = parseCallbackEvent(envelope({ EventType: "SomethingNew" }));
    if (event.known) throw new Error("expected an unknown event");
    const name: string = event.eventType;
    expect(name).toBe("SomethingNew");
    // @ts-expect-error an unknown event has no category
    expect(event.category).toBeUndefined();
  });

  it.each(IMS_EVENT_TYPES.map((name) => [name]))(
    "%s parses as known, with its category",
    (name) => {
      const event = parseCallbackEvent(envelope({ EventType: name }));
      expect(event).toMatchObject({
        known: true,
        eventType: name,
        category: IMS_EVENT_CATEGORY[name],
      });
    },
  );

  it.each([
    ["TranscodeComplete", "2025-12-31"],
    ["TranscodeParentComplete", "2025-12-31"],
    ["MediaConvertComplete", undefined],
  ])("%s has retiresOn %p", (name, date) => {
    const event = parseCallbackEvent(envelope({ EventType: name }));
    expect(event.known && event.retiresOn).toBe(date);
  });
});

describe("parseCallbackEvent: an unknown event (the open fallback)", () => {
  it("keeps the name as sent and parses everything else the same way", () => {
    const event = parseCallbackEvent(envelope({ EventType: "SomeFutureEventComplete" }));
    expect(event).toEqual({
      known: false,
      eventType: "SomeFutureEventComplete",
      userId: "1234567890123456",
      eventTime: new Date("2025-06-01T08:00:00Z"),
      eventTimeText: "2025-06-01T08:00:00Z",
      messageBody: BODY.MessageBody,
      encoding: "json",
      raw: { ...BODY, EventType: "SomeFutureEventComplete" },
    });
    expect("category" in event).toBe(false);
  });

  it("treats a wrongly-cased known name as unknown (names are case-sensitive)", () => {
    expect(parseCallbackEvent(envelope({ EventType: "producemediacomplete" }))).toMatchObject({
      known: false,
      eventType: "producemediacomplete",
    });
  });
});

describe("parseCallbackEvent: UserId keeps its exact digits", () => {
  // 9876543210987653 > Number.MAX_SAFE_INTEGER (9007199254740991): JSON.parse rounds it.
  const BIG = "9876543210987653";
  const withBig = JSON_TEXT.replace("1234567890123456", BIG);

  it("reads the digits from the JSON text, where JSON.parse would round them", () => {
    expect(Number.isSafeInteger(Number(BIG))).toBe(false); // sanity: a JS number cannot hold it
    expect(String(JSON.parse(withBig).UserId)).not.toBe(BIG);
    const event = parseCallbackEvent(withBig);
    expect(event.userId).toBe(BIG);
    expect(event.raw.UserId).toBe(JSON.parse(withBig).UserId); // raw is untouched (rounded)
  });

  it.each<[string, string, string]>([
    [
      "UserId last, after nested look-alikes",
      `{"EventType":"X","MessageBody":{"UserId":1},"EventTime":"2025-06-01T08:00:00Z","UserId":${BIG}}`,
      BIG,
    ],
    [
      "a quoted look-alike inside a string value, with escaped quotes",
      `{"EventType":"X","Note":"\\"UserId\\":5, \\\\","UserId":${BIG},"EventTime":"2025-06-01T08:00:00Z","MessageBody":{}}`,
      BIG,
    ],
    [
      "an escaped quote right before a closing quote (a scanner without escapes loses its place)",
      `{"Note":"x\\"","UserId":${BIG},"EventType":"X","EventTime":"2025-06-01T08:00:00Z","MessageBody":{}}`,
      BIG,
    ],
    [
      "MessageBody as JSON text containing UserId",
      `{"MessageBody":"{\\"UserId\\":7}","EventType":"X","UserId":${BIG},"EventTime":"2025-06-01T08:00:00Z"}`,
      BIG,
    ],
    [
      "inside an array of objects",
      `{"List":[{"UserId":3}],"EventType":"X","UserId":${BIG},"EventTime":"2025-06-01T08:00:00Z","MessageBody":{}}`,
      BIG,
    ],
    [
      "whitespace around the colon",
      `{ "EventType" : "X" , "UserId" :\n ${BIG} , "EventTime":"2025-06-01T08:00:00Z","MessageBody":{} }`,
      BIG,
    ],
    [
      "duplicate key: the last wins, as in JSON.parse",
      `{"EventType":"X","UserId":1,"EventTime":"2025-06-01T08:00:00Z","MessageBody":{},"UserId":${BIG}}`,
      BIG,
    ],
    [
      "a small UserId",
      `{"EventType":"X","UserId":42,"EventTime":"2025-06-01T08:00:00Z","MessageBody":{}}`,
      "42",
    ],
    [
      "UserId sent as a string",
      `{"EventType":"X","UserId":"${BIG}","EventTime":"2025-06-01T08:00:00Z","MessageBody":{}}`,
      BIG,
    ],
  ])("%s", (_name, text, expected) => {
    expect(parseCallbackEvent(text).userId).toBe(expected);
  });

  it("for an already-parsed object: a safe number is kept, an unsafe one is refused", () => {
    expect(parseCallbackEvent({ ...BODY }).userId).toBe("1234567890123456");
    const e = parseError({ ...BODY, UserId: JSON.parse(BIG) as number });
    expect(e.reason).toBe("bad-user-id");
    expect(e.message).toBe(
      `UserId ${String(JSON.parse(BIG))} is beyond Number.MAX_SAFE_INTEGER and has already lost digits; pass the raw body (string or Buffer) instead of a parsed object.`,
    );
  });
});

describe("parseCallbackEvent: input shapes", () => {
  const base64 = Buffer.from(JSON_TEXT, "utf8").toString("base64");
  const expectSame = (event: ImsCallbackEvent, encoding: string) => {
    expect(event).toMatchObject({
      known: true,
      eventType: "ProduceMediaComplete",
      userId: "1234567890123456",
      encoding,
    });
    expect(event.messageBody).toEqual(BODY.MessageBody);
  };

  it("a string with surrounding whitespace", () =>
    expectSame(parseCallbackEvent(`\n  ${JSON_TEXT}\n`), "json"));
  it("a Buffer", () => expectSame(parseCallbackEvent(Buffer.from(JSON_TEXT)), "json"));
  it("a Uint8Array view with an offset into a larger buffer", () => {
    const bytes = Buffer.from(`xxxx${JSON_TEXT}yyyy`);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 4, Buffer.byteLength(JSON_TEXT));
    expectSame(parseCallbackEvent(view), "json");
  });
  it("UTF-8 with a byte-order mark", () =>
    expectSame(parseCallbackEvent(Buffer.from(`\ufeff${JSON_TEXT}`)), "json"));
  it("non-ASCII text survives the byte decoding", () => {
    const event = parseCallbackEvent(
      Buffer.from(envelope({ MessageBody: { UserData: "标题 ✓" } })),
    );
    expect(event.messageBody.UserData).toBe("标题 ✓");
  });
  it("Base64 queue content (string)", () => expectSame(parseCallbackEvent(base64), "base64"));
  it("Base64 queue content (Buffer)", () =>
    expectSame(parseCallbackEvent(Buffer.from(base64)), "base64"));
  it("Base64 wrapped at 76 characters, MIME style", () => {
    expectSame(parseCallbackEvent(base64.replace(/(.{76})/g, "$1\r\n")), "base64");
  });
  it("URL-safe Base64 without padding", () => {
    const urlSafe = Buffer.from(envelope({ MessageBody: { UserData: "??>>~~" } })).toString(
      "base64url",
    );
    expect(urlSafe).toMatch(/[-_]/); // the sample does use the URL-safe characters
    expect(parseCallbackEvent(urlSafe)).toMatchObject({
      encoding: "base64",
      messageBody: { UserData: "??>>~~" },
    });
  });
  it("Base64 keeps the exact UserId digits too", () => {
    const big = Buffer.from(JSON_TEXT.replace("1234567890123456", "9876543210987653")).toString(
      "base64",
    );
    expect(parseCallbackEvent(big).userId).toBe("9876543210987653");
  });
  it("an already-parsed object", () => expectSame(parseCallbackEvent({ ...BODY }), "object"));
  it("MessageBody sent as JSON text", () => {
    const event = parseCallbackEvent(envelope({ MessageBody: JSON.stringify(BODY.MessageBody) }));
    expect(event.messageBody).toEqual(BODY.MessageBody);
    expect(event.raw.MessageBody).toBe(JSON.stringify(BODY.MessageBody));
  });
  it("an empty MessageBody object", () => {
    expect(parseCallbackEvent(envelope({ MessageBody: {} })).messageBody).toEqual({});
  });
});

describe("parseCallbackEvent: the typed MessageBody fields are always strings", () => {
  it.each<[string, unknown, string | undefined]>([
    ["string kept", "j-1", "j-1"],
    ["number → decimal text", 12345, "12345"],
    ["boolean → text", true, "true"],
    ["object → JSON text", { a: 1 }, '{"a":1}'],
    ["array → JSON text", [1, 2], "[1,2]"],
    ["null → left out", null, undefined],
  ])("%s", (_name, value, expected) => {
    const event = parseCallbackEvent(
      envelope({
        MessageBody: { JobId: value, UserData: value, Status: value, MediaId: value, Other: value },
      }),
    );
    for (const field of ["JobId", "UserData", "Status", "MediaId"] as const) {
      expect(event.messageBody[field]).toBe(expected);
      expect(field in event.messageBody).toBe(expected !== undefined);
    }
    expect(event.messageBody.Other).toEqual(value); // untyped fields are kept as sent
    expect((event.raw.MessageBody as Record<string, unknown>).JobId).toEqual(value); // raw untouched
  });
});

describe("parseCallbackEvent: EventTime", () => {
  it.each<[string, number]>([
    ["2025-06-01T08:00:00Z", Date.UTC(2025, 5, 1, 8, 0, 0)],
    ["2024-02-29T23:59:59Z", Date.UTC(2024, 1, 29, 23, 59, 59)],
    ["2025-06-01T08:00:00.123Z", Date.UTC(2025, 5, 1, 8, 0, 0, 123)],
    ["2025-06-01T16:00:00+08:00", Date.UTC(2025, 5, 1, 8, 0, 0)],
  ])("%s is accepted", (text, ms) => {
    const event = parseCallbackEvent(envelope({ EventTime: text }));
    expect(event.eventTime.getTime()).toBe(ms);
    expect(event.eventTimeText).toBe(text);
  });
});

describe("parseCallbackEvent: malformed bodies", () => {
  const TIME_HINT = 'EventTime must be an ISO-8601 time like "2025-06-01T08:00:00Z", got';
  it.each<
    [string, string | Buffer | Record<string, unknown>, CallbackEventParseFailureReason, string]
  >([
    ["empty string", "", "empty-body", "The body is empty."],
    ["whitespace only", " \r\n\t", "empty-body", "The body is empty."],
    ["empty Buffer", Buffer.alloc(0), "empty-body", "The body is empty."],
    [
      "plain text",
      "not json at all",
      "not-json",
      'The body is neither JSON nor Base64-encoded JSON: it starts with "not json at all".',
    ],
    [
      "an HTML error page",
      "<html><body>502</body></html>",
      "not-json",
      'The body is neither JSON nor Base64-encoded JSON: it starts with "<html><body>502</bod…".',
    ],
    [
      "form encoding",
      "EventType=ProduceMediaComplete&UserId=1",
      "not-json",
      'The body is neither JSON nor Base64-encoded JSON: it starts with "EventType=ProduceMed…".',
    ],
    [
      "Base64 of a JSON array",
      Buffer.from("[1]").toString("base64"),
      "not-json",
      'The body is neither JSON nor Base64-encoded JSON: it starts with "WzFd".',
    ],
    [
      "Base64 of broken JSON",
      Buffer.from('{"EventType":').toString("base64"),
      "not-json",
      'The body is neither JSON nor Base64-encoded JSON: it starts with "eyJFdmVudFR5cGUiOg==".',
    ],
    ["a JSON array", "[1,2]", "not-an-object", "The body is JSON but not an object: got an array."],
    ["a JSON number", "42", "not-an-object", "The body is JSON but not an object: got number 42."],
    ["JSON null", "null", "not-an-object", "The body is JSON but not an object: got null."],
    ["a JSON string", '"text"', "not-an-object", 'The body is JSON but not an object: got "text".'],
    [
      "a parsed array",
      [] as unknown as Record<string, unknown>,
      "not-an-object",
      "The body is JSON but not an object: got an array.",
    ],
    ["EventType missing", without("EventType"), "missing-event-type", "EventType is missing."],
    [
      "EventType empty",
      envelope({ EventType: "" }),
      "missing-event-type",
      'EventType must be a non-empty string, got "".',
    ],
    [
      "EventType blank",
      envelope({ EventType: "  " }),
      "missing-event-type",
      'EventType must be a non-empty string, got "  ".',
    ],
    [
      "EventType a number",
      envelope({ EventType: 5 }),
      "missing-event-type",
      "EventType must be a non-empty string, got number 5.",
    ],
    [
      "EventType null",
      envelope({ EventType: null }),
      "missing-event-type",
      "EventType must be a non-empty string, got null.",
    ],
    ["UserId missing", without("UserId"), "bad-user-id", "UserId is missing."],
    [
      "UserId negative",
      envelope({ UserId: -1 }),
      "bad-user-id",
      "UserId must be a non-negative integer, got number -1.",
    ],
    [
      "UserId a fraction",
      envelope({ UserId: 1.5 }),
      "bad-user-id",
      "UserId must be a non-negative integer, got number 1.5.",
    ],
    [
      "UserId letters",
      envelope({ UserId: "abc" }),
      "bad-user-id",
      'UserId must be a non-negative integer, got "abc".',
    ],
    [
      "UserId null",
      envelope({ UserId: null }),
      "bad-user-id",
      "UserId must be a non-negative integer, got null.",
    ],
    ["EventTime missing", without("EventTime"), "bad-event-time", "EventTime is missing."],
    [
      "EventTime month 13",
      envelope({ EventTime: "2025-13-01T00:00:00Z" }),
      "bad-event-time",
      `${TIME_HINT} "2025-13-01T00:00:00Z".`,
    ],
    [
      "EventTime February 30 (Date would roll over)",
      envelope({ EventTime: "2025-02-30T00:00:00Z" }),
      "bad-event-time",
      `${TIME_HINT} "2025-02-30T00:00:00Z".`,
    ],
    [
      "EventTime February 29 in a common year",
      envelope({ EventTime: "2025-02-29T00:00:00Z" }),
      "bad-event-time",
      `${TIME_HINT} "2025-02-29T00:00:00Z".`,
    ],
    [
      "EventTime hour 24",
      envelope({ EventTime: "2025-06-01T24:00:00Z" }),
      "bad-event-time",
      `${TIME_HINT} "2025-06-01T24:00:00Z".`,
    ],
    [
      "EventTime without a zone (ambiguous)",
      envelope({ EventTime: "2025-06-01T08:00:00" }),
      "bad-event-time",
      `${TIME_HINT} "2025-06-01T08:00:00".`,
    ],
    [
      "EventTime with a space",
      envelope({ EventTime: "2025-06-01 08:00:00Z" }),
      "bad-event-time",
      `${TIME_HINT} "2025-06-01 08:00:00Z".`,
    ],
    [
      "EventTime in Unix seconds",
      envelope({ EventTime: 1748764800 }),
      "bad-event-time",
      `${TIME_HINT} number 1748764800.`,
    ],
    ["MessageBody missing", without("MessageBody"), "bad-message-body", "MessageBody is missing."],
    [
      "MessageBody text, not JSON",
      envelope({ MessageBody: "done" }),
      "bad-message-body",
      'MessageBody is a string but not JSON: it starts with "done".',
    ],
    [
      "MessageBody JSON text of an array",
      envelope({ MessageBody: "[1]" }),
      "bad-message-body",
      "MessageBody is JSON text but not of an object: got an array.",
    ],
    [
      "MessageBody JSON text of null",
      envelope({ MessageBody: "null" }),
      "bad-message-body",
      "MessageBody is JSON text but not of an object: got null.",
    ],
    [
      "MessageBody a number",
      envelope({ MessageBody: 5 }),
      "bad-message-body",
      "MessageBody must be an object or JSON text of one, got number 5.",
    ],
    [
      "MessageBody null",
      envelope({ MessageBody: null }),
      "bad-message-body",
      "MessageBody must be an object or JSON text of one, got null.",
    ],
    [
      "MessageBody an array",
      envelope({ MessageBody: [] }),
      "bad-message-body",
      "MessageBody must be an object or JSON text of one, got an array.",
    ],
    [
      "parsed object without EventType",
      { UserId: 1 },
      "missing-event-type",
      "EventType is missing.",
    ],
  ])("%s", (_name, body, reason, message) => {
    const error = parseError(body);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CallbackEventParseError");
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });

  it("broken JSON text reports the parser's own message", () => {
    const error = parseError('{"EventType": "ProduceMediaComplete",');
    expect(error.reason).toBe("not-json");
    // The rest of the message is V8's and varies between Node versions.
    expect(error.message.startsWith("The body is not valid JSON: ")).toBe(true);
    expect(error.message.length).toBeGreaterThan("The body is not valid JSON: ".length + 5);
  });

  it.each<[string, unknown, string]>([
    [
      "undefined",
      undefined,
      "parseCallbackEvent: body must be a string, a Buffer/Uint8Array or a parsed object, got undefined.",
    ],
    [
      "null",
      null,
      "parseCallbackEvent: body must be a string, a Buffer/Uint8Array or a parsed object, got null.",
    ],
    [
      "a number",
      42,
      "parseCallbackEvent: body must be a string, a Buffer/Uint8Array or a parsed object, got number.",
    ],
  ])("throws TypeError for %s", (_name, body, message) => {
    expect(() => parseCallbackEvent(body as string)).toThrow(new TypeError(message));
  });
});
