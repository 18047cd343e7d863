/**
 * Proves: verifySignature accepts requests signed by Alibaba's own signing functions (V3 and V2),
 * re-encodes `! ' ( ) *` strictly, and rejects each tampering with the gateway's code and status.
 * Does not prove: the HTTP layer (see server.test.ts).
 */
import { createHmac } from "node:crypto";
import { stringify } from "node:querystring";
import {
  claimedAccessKeyId,
  NonceStore,
  parseParams,
  SignedRequest,
  signatureVersionOf,
  strictEncode,
  verifySignature,
} from "../src/rpc/signature";
import {
  credentialResolver,
  DEFAULT_TEST_ACCOUNT,
  type EmulatorCredential,
  MAX_CLOCK_SKEW_MS,
} from "../src/ground/accounts";
import { KEY, RawRequest, signedV2, signedV3, STS } from "./helpers";

const ENDPOINT = "http://127.0.0.1:4101";
const T0 = new Date("2025-06-01T12:00:00Z");
const resolveCredential = credentialResolver([DEFAULT_TEST_ACCOUNT]);

function toSigned(raw: RawRequest): SignedRequest {
  const query = stringify(raw.query);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.headers)) headers[k.toLowerCase()] = v;
  return {
    method: raw.method,
    url: query ? `/?${query}` : "/",
    headers,
    body: Buffer.from(raw.body),
  };
}

function verify(
  raw: RawRequest | SignedRequest,
  extra: {
    now?: number;
    nonces?: NonceStore;
    resolve?: (id: string) => EmulatorCredential | undefined;
  } = {},
) {
  const request = "query" in raw ? toSigned(raw) : raw;
  return verifySignature(request, {
    resolveCredential: extra.resolve ?? resolveCredential,
    now: extra.now ?? T0.getTime(),
    ...(extra.nonces ? { nonces: extra.nonces } : {}),
  });
}

const SPECIAL = {
  CallbackURL: "https://example.com/cb?q=(it's)!*",
  EventTypeList: "FileUploadComplete",
};

describe("strictEncode and parseParams", () => {
  it("encodes the characters Node's encoder leaves alone", () => {
    expect(strictEncode("a b!'()*~-_.")).toBe("a%20b%21%27%28%29%2A~-_.");
    expect(stringify({ v: "!'()*" })).toBe("v=!'()*"); // the wire-encoding trap this module handles
  });
  it("decodes form encoding, + as space, last value wins, malformed escapes kept", () => {
    expect(parseParams("A=1&B=x%21+y&A=2&C=%zz&D")).toEqual({ A: "2", B: "x! y", C: "%zz", D: "" });
  });
});

describe("verifySignature V3 (ACS3-HMAC-SHA256)", () => {
  it("accepts a request signed by Alibaba's getAuthorization", () => {
    const result = verify(
      signedV3({ endpoint: ENDPOINT, date: T0, query: { CallbackType: "MNS" } }),
    );
    expect(result).toEqual({
      ok: true,
      version: "v3",
      accountId: "1234567890123456",
      accessKeyId: KEY.id,
    });
  });

  it("accepts values containing ! ' ( ) * in the query and in a form body", () => {
    expect(verify(signedV3({ endpoint: ENDPOINT, date: T0, query: SPECIAL })).ok).toBe(true);
    expect(verify(signedV3({ endpoint: ENDPOINT, date: T0, body: SPECIAL })).ok).toBe(true);
  });

  it("rejects a changed query parameter with SignatureDoesNotMatch (400)", () => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0, query: { CallbackType: "MNS" } });
    raw.query.CallbackType = "HTTP";
    const result = verify(raw);
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch", status: 400 });
    expect(!result.ok && result.message).toMatch(
      /^Specified signature is not matched with our calculation\. server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/,
    );
  });

  it("rejects a changed body with SignatureDoesNotMatch naming the content hash", () => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0, body: { CallbackType: "MNS" } });
    raw.body = stringify({ CallbackType: "HTTP" });
    expect(verify(raw)).toMatchObject({
      ok: false,
      code: "SignatureDoesNotMatch",
      message:
        "Specified signature is not matched with our calculation: x-acs-content-sha256 does not match the request body.",
    });
  });

  it("rejects a changed signed header and a wrong secret", () => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0 });
    raw.headers["x-acs-action"] = "SetEventCallback";
    expect(verify(raw)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(
      verify(signedV3({ endpoint: ENDPOINT, date: T0, accessKeySecret: "wrong" })),
    ).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it.each([
    [
      "Signature",
      /,Signature=[0-9a-f]+/,
      "",
      "IncompleteSignature",
      "the Authorization header has no Signature.",
    ],
    [
      "Credential",
      /Credential=[^,]+,/,
      "",
      "IncompleteSignature",
      "the Authorization header has no Credential.",
    ],
    [
      "SignedHeaders",
      /SignedHeaders=[^,]+,/,
      "",
      "IncompleteSignature",
      "the Authorization header has no SignedHeaders.",
    ],
  ])("rejects an Authorization header without %s", (_part, pattern, replacement, code, detail) => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0 });
    raw.headers.authorization = raw.headers.authorization.replace(pattern, replacement);
    expect(verify(raw)).toMatchObject({
      ok: false,
      code,
      status: 400,
      message: `The request signature does not conform to Aliyun standards: ${detail}`,
    });
  });

  it("rejects a missing Authorization header, an unknown algorithm and an unsigned x-acs- header", () => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0 });
    const { authorization, ...rest } = raw.headers;
    expect(verify({ ...raw, headers: rest })).toMatchObject({
      ok: false,
      code: "IncompleteSignature",
    });
    expect(
      verify({
        ...raw,
        headers: {
          ...rest,
          authorization: authorization.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"),
        },
      }),
    ).toMatchObject({
      ok: false,
      code: "InvalidSignatureMethod",
    });
    expect(verify({ ...raw, headers: { ...raw.headers, "x-acs-extra": "1" } })).toMatchObject({
      ok: false,
      code: "IncompleteSignature",
      message:
        'The request signature does not conform to Aliyun standards: header "x-acs-extra" must be in SignedHeaders.',
    });
  });

  it("rejects a missing x-acs-date with MissingParameter", () => {
    const raw = signedV3({ endpoint: ENDPOINT, date: T0 });
    delete raw.headers["x-acs-date"];
    expect(verify(raw)).toMatchObject({
      ok: false,
      code: "MissingParameter",
      status: 400,
      message:
        'The input parameter "x-acs-date" that is mandatory for processing this request is not supplied.',
    });
  });

  it("rejects an unknown AccessKey with InvalidAccessKeyId.NotFound (404)", () => {
    expect(
      verify(signedV3({ endpoint: ENDPOINT, date: T0, accessKeyId: "TESTAKUnknown" })),
    ).toEqual({
      ok: false,
      version: "v3",
      code: "InvalidAccessKeyId.NotFound",
      status: 404,
      message: "Specified access key is not found.",
      accessKeyId: "TESTAKUnknown",
    });
  });
});

describe("verifySignature V2 (HMAC-SHA1)", () => {
  it("accepts a request signed by Alibaba's getRPCSignature, parameters in the query or the form body", () => {
    expect(verify(signedV2({ endpoint: ENDPOINT, date: T0, query: SPECIAL }))).toEqual({
      ok: true,
      version: "v2",
      accountId: "1234567890123456",
      accessKeyId: KEY.id,
    });
    expect(verify(signedV2({ endpoint: ENDPOINT, date: T0, body: SPECIAL })).ok).toBe(true);
  });

  it("rejects a signature computed over Node's lenient encoding of ! ' ( ) *", () => {
    const raw = signedV2({ endpoint: ENDPOINT, date: T0, query: SPECIAL });
    const signed = { ...raw.query };
    delete signed.Signature;
    const canonical = Object.keys(signed)
      .sort()
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(signed[k])}`)
      .join("&");
    raw.query.Signature = createHmac("sha1", `${KEY.secret}&`)
      .update(`POST&%2F&${encodeURIComponent(canonical)}`)
      .digest("base64");
    expect(verify(raw)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch", status: 400 });
  });

  it("rejects a changed parameter and shows the server's string to sign", () => {
    const raw = signedV2({ endpoint: ENDPOINT, date: T0, query: { CallbackType: "MNS" } });
    raw.query.CallbackType = "HTTP";
    const result = verify(raw);
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(!result.ok && result.message).toContain(
      "server string to sign is:POST&%2F&AccessKeyId%3DTESTAKEmulatorTestKey0001%26Action%3DGetEventCallback%26CallbackType%3DHTTP",
    );
  });

  it.each(["Signature", "AccessKeyId", "Timestamp", "SignatureNonce", "SignatureMethod"])(
    "rejects a request without %s with MissingParameter",
    (name) => {
      const raw = signedV2({ endpoint: ENDPOINT, date: T0 });
      delete raw.query[name];
      expect(verify(raw)).toMatchObject({
        ok: false,
        version: "v2",
        code: "MissingParameter",
        status: 400,
        message: `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      });
    },
  );

  it("rejects an unsupported SignatureMethod and a malformed Timestamp", () => {
    const raw = signedV2({ endpoint: ENDPOINT, date: T0 });
    expect(
      verify({ ...raw, query: { ...raw.query, SignatureMethod: "HMAC-SHA256" } }),
    ).toMatchObject({ code: "InvalidSignatureMethod" });
    expect(verify({ ...raw, query: { ...raw.query, Timestamp: "1 June 2025" } })).toMatchObject({
      code: "InvalidTimeStamp.Format",
      status: 400,
    });
  });
});

describe("clock skew", () => {
  it.each([
    ["V3", signedV3],
    ["V2", signedV2],
  ])("%s: accepts exactly 15 minutes of skew either way and rejects more", (_name, sign) => {
    const raw = sign({ endpoint: ENDPOINT, date: T0 });
    expect(verify(raw, { now: T0.getTime() + MAX_CLOCK_SKEW_MS }).ok).toBe(true);
    expect(verify(raw, { now: T0.getTime() - MAX_CLOCK_SKEW_MS }).ok).toBe(true);
    for (const now of [
      T0.getTime() + MAX_CLOCK_SKEW_MS + 1000,
      T0.getTime() - MAX_CLOCK_SKEW_MS - 1000,
    ]) {
      expect(verify(raw, { now })).toMatchObject({
        ok: false,
        code: "InvalidTimeStamp.Expired",
        status: 400,
        message: "Specified time stamp or date value is expired.",
      });
    }
  });
});

describe("nonces", () => {
  it.each([
    ["V3", signedV3],
    ["V2", signedV2],
  ])("%s: a replayed request is refused with SignatureNonceUsed", (_name, sign) => {
    const nonces = new NonceStore();
    const raw = sign({ endpoint: ENDPOINT, date: T0, nonce: "fixed-nonce" });
    expect(verify(raw, { nonces }).ok).toBe(true);
    expect(verify(raw, { nonces })).toMatchObject({
      ok: false,
      code: "SignatureNonceUsed",
      status: 400,
      message: "Specified signature nonce was used already.",
    });
  });

  it("does not burn a nonce on a request whose signature fails", () => {
    const nonces = new NonceStore();
    expect(
      verify(signedV3({ endpoint: ENDPOINT, date: T0, nonce: "n1", accessKeySecret: "wrong" }), {
        nonces,
      }).ok,
    ).toBe(false);
    expect(verify(signedV3({ endpoint: ENDPOINT, date: T0, nonce: "n1" }), { nonces }).ok).toBe(
      true,
    );
  });

  it("forgets a nonce once its request could no longer pass the timestamp check", () => {
    const nonces = new NonceStore();
    expect(nonces.use("AK", "n", 1000, 2000)).toBe(true);
    expect(nonces.use("AK", "n", 2000, 3000)).toBe(false);
    expect(nonces.use("OTHER", "n", 2000, 3000)).toBe(true);
    expect(nonces.use("AK", "n", 2001, 3001)).toBe(true);
    nonces.sweep(3001);
    expect(nonces.size).toBe(1);
  });
});

describe("STS tokens", () => {
  it("accepts the configured token in V3 (x-acs-security-token) and V2 (SecurityToken)", () => {
    const sts = {
      accessKeyId: STS.accessKeyId,
      accessKeySecret: STS.accessKeySecret,
      securityToken: STS.securityToken,
    };
    expect(verify(signedV3({ endpoint: ENDPOINT, date: T0, ...sts }))).toMatchObject({
      ok: true,
      accessKeyId: STS.accessKeyId,
    });
    expect(verify(signedV2({ endpoint: ENDPOINT, date: T0, ...sts }))).toMatchObject({
      ok: true,
      accessKeyId: STS.accessKeyId,
    });
  });

  it.each([
    [
      "a wrong token",
      {
        accessKeyId: STS.accessKeyId,
        accessKeySecret: STS.accessKeySecret,
        securityToken: "wrong-token",
      },
      "InvalidSecurityToken.MismatchWithAccessKey",
    ],
    [
      "no token with a temporary key",
      { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
      "MissingSecurityToken",
    ],
    [
      "a token with a long-term key",
      { securityToken: STS.securityToken },
      "InvalidSecurityToken.MismatchWithAccessKey",
    ],
  ])("rejects %s", (_name, credentials, code) => {
    expect(verify(signedV3({ endpoint: ENDPOINT, date: T0, ...credentials }))).toMatchObject({
      ok: false,
      code,
      status: 400,
    });
    expect(verify(signedV2({ endpoint: ENDPOINT, date: T0, ...credentials }))).toMatchObject({
      ok: false,
      code,
      status: 400,
    });
  });

  it("rejects an expired token with InvalidSecurityToken.Expired", () => {
    const expired: EmulatorCredential = {
      accountId: "1",
      accessKeyId: "STS.Old",
      accessKeySecret: "s",
      sts: { securityToken: "t", expiresAt: T0.getTime() - 1 },
    };
    const raw = signedV3({
      endpoint: ENDPOINT,
      date: T0,
      accessKeyId: "STS.Old",
      accessKeySecret: "s",
      securityToken: "t",
    });
    expect(verify(raw, { resolve: () => expired })).toMatchObject({
      ok: false,
      code: "InvalidSecurityToken.Expired",
      message: "Specified SecurityToken is expired.",
    });
  });
});

describe("request inspection", () => {
  it("tells the scheme and the claimed AccessKey without verifying", () => {
    const v3 = toSigned(signedV3({ endpoint: ENDPOINT, accessKeyId: "AK3" }));
    const v2 = toSigned(signedV2({ endpoint: ENDPOINT, accessKeyId: "AK2" }));
    expect([signatureVersionOf(v3), claimedAccessKeyId(v3)]).toEqual(["v3", "AK3"]);
    expect([signatureVersionOf(v2), claimedAccessKeyId(v2)]).toEqual(["v2", "AK2"]);
  });
});
