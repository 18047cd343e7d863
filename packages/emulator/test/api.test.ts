/**
 * Proves: the SetEventCallback checks and merge rules, and the GetEventCallback shape, as pure
 * functions (the HTTP path is covered in server.test.ts and behaviour.test.ts).
 * Does not prove: anything about signatures or transport.
 */
import { applySet, getResponse, UNCONFIGURED_SETTING, validateSetParameters } from "../src/ims/api";
import { DEFAULT_BEHAVIOUR } from "../src/ground/behaviour";
import { ApiError, errorBody, statusOf } from "../src/ground/errors";
import { completeSetting } from "../src/ims/settings";

describe("validateSetParameters", () => {
  it("accepts empty strings (clearing a field) and absent parameters", () => {
    expect(validateSetParameters({}, DEFAULT_BEHAVIOUR)).toBeUndefined();
    expect(
      validateSetParameters(
        {
          CallbackType: "",
          CallbackURL: "",
          CallbackQueueName: "",
          AuthSwitch: "",
          AuthKey: "",
          EventTypeList: "",
        },
        DEFAULT_BEHAVIOUR,
      ),
    ).toBeUndefined();
  });

  it("is case-sensitive on CallbackType and AuthSwitch, and accepts unknown event names", () => {
    expect(validateSetParameters({ CallbackType: "http" }, DEFAULT_BEHAVIOUR)?.message).toBe(
      "Specified parameter CallbackType is not valid: it must be HTTP or MNS.",
    );
    expect(validateSetParameters({ AuthSwitch: "ON" }, DEFAULT_BEHAVIOUR)?.code).toBe(
      "InvalidParameter",
    );
    expect(
      validateSetParameters(
        { EventTypeList: "SomeFutureEvent,FileUploadComplete" },
        DEFAULT_BEHAVIOUR,
      ),
    ).toBeUndefined();
  });

  it("counts URL length in UTF-8 bytes", () => {
    const url = `https://a.example/${"é".repeat(119)}`; // 18 + 238 bytes = 256
    expect(validateSetParameters({ CallbackURL: url }, DEFAULT_BEHAVIOUR)).toBeUndefined();
    expect(validateSetParameters({ CallbackURL: `${url}x` }, DEFAULT_BEHAVIOUR)?.message).toContain(
      "at most 256 bytes",
    );
  });
});

describe("applySet and getResponse", () => {
  it("partial: a first partial Set starts from the unconfigured view", () => {
    expect(applySet(undefined, { CallbackType: "MNS" }, DEFAULT_BEHAVIOUR)).toEqual({
      ...UNCONFIGURED_SETTING,
      CallbackType: "MNS",
    });
  });

  it("ignores parameters that are not setting fields", () => {
    const current = completeSetting({ CallbackType: "HTTP" });
    expect(
      applySet(current, { Action: "SetEventCallback", Foo: "bar" }, DEFAULT_BEHAVIOUR),
    ).toEqual(current);
  });

  it("lists the fields in the documented order", () => {
    expect(Object.keys(getResponse("R", completeSetting({}), DEFAULT_BEHAVIOUR))).toEqual([
      "RequestId",
      "CallbackType",
      "CallbackQueueName",
      "CallbackURL",
      "EventTypeList",
      "AuthSwitch",
      "AuthKey",
    ]);
  });
});

describe("error bodies", () => {
  it("have the gateway shape and status", () => {
    const error = new ApiError("Throttling.User", "Request was denied due to user flow control.");
    expect(error.status).toBe(400);
    expect(statusOf("ServiceUnavailable")).toBe(503);
    expect(errorBody(error, "REQ-1", "ice.cn-shanghai.aliyuncs.com")).toEqual({
      RequestId: "REQ-1",
      HostId: "ice.cn-shanghai.aliyuncs.com",
      Code: "Throttling.User",
      Message: "Request was denied due to user flow control.",
      Recommend:
        "https://api.aliyun.com/troubleshoot?q=Throttling.User&product=ICE&requestId=REQ-1",
    });
  });
});
