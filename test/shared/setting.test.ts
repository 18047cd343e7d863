import {
  describeSetting,
  EMPTY_SETTING,
  isConfigured,
  sameSetting,
  settingDifferences,
  settingFromWire,
  settingToWire,
  type CallbackSetting,
} from "../../lib/shared/setting";

const http: CallbackSetting = {
  callbackType: "HTTP",
  callbackUrl: "https://a.example.com/cb",
  queueName: "",
  eventTypes: ["B", "A"],
  authSwitch: "on",
  authKey: "Key123abc",
};

describe("setting", () => {
  it("round-trips through the wire shape, sending every parameter", () => {
    const wire = settingToWire(http);
    expect(wire).toEqual({
      CallbackType: "HTTP",
      CallbackURL: "https://a.example.com/cb",
      CallbackQueueName: "",
      EventTypeList: "A,B",
      AuthSwitch: "on",
      AuthKey: "Key123abc",
    });
    expect(sameSetting(settingFromWire(wire), http)).toBe(true);
  });

  it("does not send a key while authentication is off", () => {
    expect(settingToWire({ ...http, authSwitch: "off" }).AuthKey).toBe("");
  });

  it("reads a never-configured region, with fields empty or missing, as not configured", () => {
    expect(isConfigured(settingFromWire({}))).toBe(false);
    expect(settingFromWire({ CallbackType: "", EventTypeList: "", AuthSwitch: "off" })).toEqual(
      EMPTY_SETTING,
    );
  });

  it("compares event lists as sets and keys only while authentication is on", () => {
    expect(settingDifferences(http, { ...http, eventTypes: ["A", "B", "A"] })).toEqual([]);
    expect(settingDifferences(http, { ...http, authKey: "Other123x" })).toEqual(["authKey"]);
    expect(
      settingDifferences(
        { ...http, authSwitch: "off" },
        { ...http, authSwitch: "off", authKey: "x" },
      ),
    ).toEqual([]);
    expect(settingDifferences(http, { ...http, authSwitch: "off" })).toEqual(["authSwitch"]);
    expect(
      settingDifferences(http, { ...http, callbackUrl: "https://b", eventTypes: ["C"] }),
    ).toEqual(["callbackUrl", "eventTypes"]);
  });

  it("describes a setting without its key", () => {
    const text = describeSetting(http);
    expect(text).toBe('HTTP to URL "https://a.example.com/cb", events B, A, authentication on');
    expect(text).not.toContain("Key123abc");
    expect(describeSetting(EMPTY_SETTING)).toBe("nothing configured");
  });

  it("describes a found URL without its user info or query, parsable or not", () => {
    for (const [callbackUrl, shown] of [
      ["https://admin:PassW0rd@a.example.com/cb?token=Tok", "https://…@a.example.com/cb?…"],
      [
        "http://admin:PassW0rd@a.example.com:99999/cb?token=Tok",
        "http://…@a.example.com:99999/cb?…",
      ],
    ]) {
      const text = describeSetting({ ...http, callbackUrl });
      expect(text).toBe(`HTTP to URL "${shown}", events B, A, authentication on`);
      expect(text).not.toMatch(/admin|PassW0rd|token|Tok/);
    }
  });
});
