/**
 * Verification of Alibaba Cloud OpenAPI request signatures, V3 (`ACS3-HMAC-SHA256`, Authorization
 * header) and V2 (HMAC-SHA1 `Signature` parameter), returning the gateway's error code on failure.
 *
 * Values are decoded from the wire and re-encoded with strict RFC 3986 encoding before signing:
 * Node's query-string encoder leaves `! ' ( ) *` as they are, but the signer encodes them.
 *
 * @packageDocumentation
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  EmulatorErrorCode,
  ERROR_MESSAGES,
  missingParameterMessage,
  statusOf,
} from "../ground/errors";
import { type EmulatorCredential, MAX_CLOCK_SKEW_MS } from "../ground/accounts";
import { keyMap } from "../ground/records";

/** The V3 algorithm the emulator verifies. */
export const V3_ALGORITHM = "ACS3-HMAC-SHA256";

/** An HTTP request as received, enough to verify its signature. */
export interface SignedRequest {
  /** HTTP method, e.g. `"POST"`. */
  readonly method: string;
  /** The request target as received: path plus optional `?query`, e.g. `"/?Action=..."`. */
  readonly url: string;
  /** Headers with lower-case names, as Node's `IncomingMessage.headers`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body (empty when none). */
  readonly body: Uint8Array;
}

/** Options of {@link verifySignature}. */
export interface VerifyOptions {
  /** Finds a credential by AccessKey id; `undefined` means the key does not exist. */
  readonly resolveCredential: (accessKeyId: string) => EmulatorCredential | undefined;
  /**
   * Where used nonces are remembered.
   *
   * @default none: nonces are not checked.
   */
  readonly nonces?: NonceStore;
  /**
   * The emulator's clock, epoch ms.
   *
   * @default Date.now()
   */
  readonly now?: number;
  /**
   * Allowed clock skew.
   *
   * @default {@link MAX_CLOCK_SKEW_MS}
   */
  readonly maxSkewMs?: number;
}

/** The error codes {@link verifySignature} can return. */
export type SignatureErrorCode = Extract<
  EmulatorErrorCode,
  | "MissingParameter"
  | "IncompleteSignature"
  | "SignatureDoesNotMatch"
  | "InvalidSignatureMethod"
  | "InvalidAccessKeyId.NotFound"
  | "InvalidTimeStamp.Expired"
  | "InvalidTimeStamp.Format"
  | "SignatureNonceUsed"
  | "MissingSecurityToken"
  | "InvalidSecurityToken.Expired"
  | "InvalidSecurityToken.MismatchWithAccessKey"
>;

/** The signature scheme of a request. */
export type SignatureVersion = "v3" | "v2";

/** A request whose signature verified. */
export interface SignatureAccepted {
  /** Always `true`. */
  readonly ok: true;
  /** The scheme used. */
  readonly version: SignatureVersion;
  /** The account the request acts for. */
  readonly accountId: string;
  /** The AccessKey id that signed. */
  readonly accessKeyId: string;
}

/** A request whose signature did not verify, with the gateway's answer. */
export interface SignatureRejected {
  /** Always `false`. */
  readonly ok: false;
  /** The scheme the request appears to use. */
  readonly version: SignatureVersion;
  /** The gateway error code. */
  readonly code: SignatureErrorCode;
  /** The HTTP status the gateway answers with. */
  readonly status: number;
  /** The gateway message. */
  readonly message: string;
  /** The AccessKey id the request claimed, when it named one. */
  readonly accessKeyId?: string;
}

/** The outcome of {@link verifySignature}. */
export type SignatureVerification = SignatureAccepted | SignatureRejected;

/**
 * Remembers the signature nonces seen per AccessKey until the request they came with could no
 * longer pass the timestamp check, so a replay within the window is refused.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();
  private insertsSinceSweep = 0;

  /**
   * Records `nonce` for `accessKeyId`, valid until `expiresAt` (epoch ms); `false` if it is
   * already recorded and not yet expired.
   */
  use(accessKeyId: string, nonce: string, now: number, expiresAt: number): boolean {
    const key = `${accessKeyId}\n${nonce}`;
    const previous = this.seen.get(key);
    if (previous !== undefined && previous >= now) return false;
    this.seen.set(key, expiresAt);
    if (++this.insertsSinceSweep >= 1024) this.sweep(now);
    return true;
  }

  /** Number of nonces remembered. */
  get size(): number {
    return this.seen.size;
  }

  /** Forgets nonces whose window has passed. */
  sweep(now: number): void {
    this.insertsSinceSweep = 0;
    for (const [key, expiresAt] of this.seen) if (expiresAt < now) this.seen.delete(key);
  }
}

/**
 * Percent-encodes `value` the way Alibaba's signers do (RFC 3986: only `A-Z a-z 0-9 - _ . ~`
 * stay as they are).
 *
 * @example
 * ```ts
 * strictEncode("a b!*"); // "a%20b%21%2A"
 * ```
 */
export function strictEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Decodes an `application/x-www-form-urlencoded` string (also used for query strings) into a map;
 * a repeated key keeps its last value, `+` is a space, malformed escapes are kept literally.
 *
 * @example
 * ```ts
 * parseParams("A=1&B=x%21+y"); // { A: "1", B: "x! y" }
 * ```
 */
export function parseParams(encoded: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(encoded)) result[key] = value;
  return result;
}

/** The query string of a request target, without the `?`. */
function rawQueryOf(url: string): string {
  const index = url.indexOf("?");
  return index < 0 ? "" : url.slice(index + 1);
}

function headerValue(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function isFormBody(request: SignedRequest): boolean {
  const type = headerValue(request, "content-type") ?? "";
  return type.split(";")[0].trim().toLowerCase() === "application/x-www-form-urlencoded";
}

/**
 * The request parameters: the query string merged with a form-encoded body (the body wins on a
 * repeated name), decoded.
 *
 * @example
 * ```ts
 * requestParams({ method: "POST", url: "/?Action=GetEventCallback", headers: {}, body: new Uint8Array() });
 * // { Action: "GetEventCallback" }
 * ```
 */
export function requestParams(request: SignedRequest): Record<string, string> {
  const query = parseParams(rawQueryOf(request.url));
  if (request.body.length === 0 || !isFormBody(request)) return query;
  return Object.assign(query, parseParams(Buffer.from(request.body).toString("utf8")));
}

/** Which scheme a request uses: V3 when it has an Authorization header or `x-acs-` signing headers. */
export function signatureVersionOf(request: SignedRequest): SignatureVersion {
  if (headerValue(request, "authorization") !== undefined) return "v3";
  const params = requestParams(request);
  if (
    params.Signature !== undefined ||
    params.AccessKeyId !== undefined ||
    params.SignatureMethod !== undefined
  )
    return "v2";
  const signingHeaders = ["x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];
  return signingHeaders.some((h) => headerValue(request, h) !== undefined) ? "v3" : "v2";
}

/**
 * The AccessKey id a request claims, without verifying anything (for logs).
 *
 * @example
 * ```ts
 * claimedAccessKeyId(request); // "TESTAKEmulatorTestKey0001"
 * ```
 */
export function claimedAccessKeyId(request: SignedRequest): string | undefined {
  const authorization = headerValue(request, "authorization");
  if (authorization !== undefined)
    return parseAuthorization(authorization)?.parts.Credential || undefined;
  return requestParams(request).AccessKeyId || undefined;
}

/**
 * Verifies the signature of `request` and, when it verifies, records its nonce.
 *
 * Checks, in order: the signature's parts are present, the AccessKey exists, the timestamp is well
 * formed and within {@link MAX_CLOCK_SKEW_MS}, the signature matches, the STS token (if the key is
 * temporary or a token is sent) matches and is current, and the nonce is new.
 *
 * @example
 * ```ts
 * const result = verifySignature(request, { resolveCredential: (id) => keys.get(id), nonces });
 * if (!result.ok) respond(result.status, result.code, result.message);
 * ```
 */
export function verifySignature(
  request: SignedRequest,
  options: VerifyOptions,
): SignatureVerification {
  return signatureVersionOf(request) === "v3"
    ? verifyV3(request, options)
    : verifyV2(request, options);
}

function reject(
  version: SignatureVersion,
  code: SignatureErrorCode,
  message: string,
  accessKeyId?: string,
): SignatureRejected {
  return {
    ok: false,
    version,
    code,
    status: statusOf(code),
    message,
    ...(accessKeyId ? { accessKeyId } : {}),
  };
}

function fixed(
  version: SignatureVersion,
  code: keyof typeof ERROR_MESSAGES & SignatureErrorCode,
  accessKeyId?: string,
): SignatureRejected {
  return reject(version, code, ERROR_MESSAGES[code], accessKeyId);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Parses a UTC ISO timestamp, or `undefined` when it is not one. */
function parseTimestamp(text: string): number | undefined {
  if (!TIMESTAMP.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The checks shared by V2 and V3 once the parts are extracted. */
interface SignatureParts {
  readonly version: SignatureVersion;
  readonly accessKeyId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly securityToken: string | undefined;
  /** Computes the expected signature and the string it signs, given the secret; `mismatch` overrides the message. */
  readonly expected: (secret: string) => {
    signature: string;
    stringToSign: string;
    mismatch?: string;
  };
  readonly provided: string;
}

function verifyParts(parts: SignatureParts, options: VerifyOptions): SignatureVerification {
  const { version, accessKeyId } = parts;
  const now = options.now ?? Date.now();
  const maxSkew = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;

  const credential = options.resolveCredential(accessKeyId);
  if (!credential) return fixed(version, "InvalidAccessKeyId.NotFound", accessKeyId);

  const signedAt = parseTimestamp(parts.timestamp);
  if (signedAt === undefined) return fixed(version, "InvalidTimeStamp.Format", accessKeyId);
  if (Math.abs(now - signedAt) > maxSkew)
    return fixed(version, "InvalidTimeStamp.Expired", accessKeyId);

  const { signature, stringToSign, mismatch } = parts.expected(credential.accessKeySecret);
  if (mismatch !== undefined || !safeEqual(signature, parts.provided)) {
    const message =
      mismatch ??
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`;
    return reject(version, "SignatureDoesNotMatch", message, accessKeyId);
  }

  if (credential.sts) {
    if (!parts.securityToken) return fixed(version, "MissingSecurityToken", accessKeyId);
    if (!safeEqual(parts.securityToken, credential.sts.securityToken)) {
      return fixed(version, "InvalidSecurityToken.MismatchWithAccessKey", accessKeyId);
    }
    if (credential.sts.expiresAt <= now)
      return fixed(version, "InvalidSecurityToken.Expired", accessKeyId);
  } else if (parts.securityToken) {
    // A token with a long-term key marks the request as STS; that key has no token to match.
    return fixed(version, "InvalidSecurityToken.MismatchWithAccessKey", accessKeyId);
  }

  if (options.nonces && !options.nonces.use(accessKeyId, parts.nonce, now, signedAt + maxSkew)) {
    return fixed(version, "SignatureNonceUsed", accessKeyId);
  }
  return { ok: true, version, accountId: credential.accountId, accessKeyId };
}

// ---------------------------------------------------------------------------------------------
// V2: HMAC-SHA1 over "<METHOD>&%2F&<encoded canonical query>", key "<secret>&", Base64.

const V2_REQUIRED = [
  "AccessKeyId",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "Timestamp",
] as const;

/**
 * The V2 string to sign for `params` (which must not contain `Signature`).
 *
 * @example
 * ```ts
 * v2StringToSign("POST", { Action: "GetEventCallback" }); // "POST&%2F&Action%3DGetEventCallback"
 * ```
 */
export function v2StringToSign(method: string, params: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(params)
    .sort()
    .map((key) => `${strictEncode(key)}=${strictEncode(params[key])}`)
    .join("&");
  return `${method.toUpperCase()}&${strictEncode("/")}&${strictEncode(canonical)}`;
}

function verifyV2(request: SignedRequest, options: VerifyOptions): SignatureVerification {
  const params = requestParams(request);
  const accessKeyId = params.AccessKeyId || undefined;
  for (const name of V2_REQUIRED) {
    if (!params[name])
      return reject("v2", "MissingParameter", missingParameterMessage(name), accessKeyId);
  }
  if (params.SignatureMethod !== "HMAC-SHA1")
    return fixed("v2", "InvalidSignatureMethod", accessKeyId);

  const { Signature: provided, ...signed } = params;
  return verifyParts(
    {
      version: "v2",
      accessKeyId: params.AccessKeyId,
      timestamp: params.Timestamp,
      nonce: params.SignatureNonce,
      securityToken: params.SecurityToken || undefined,
      provided,
      expected: (secret) => {
        const stringToSign = v2StringToSign(request.method, signed);
        return {
          stringToSign,
          signature: createHmac("sha1", `${secret}&`).update(stringToSign, "utf8").digest("base64"),
        };
      },
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// V3: ACS3-HMAC-SHA256 over the hashed canonical request, in the Authorization header.

interface ParsedAuthorization {
  readonly algorithm: string;
  readonly parts: Readonly<Record<string, string>>;
}

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = /^\s*(\S+)\s+(.*)$/.exec(header);
  if (!match) return undefined;
  const parts = keyMap<string>();
  for (const item of match[2].split(",")) {
    const eq = item.indexOf("=");
    if (eq > 0) parts[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return { algorithm: match[1], parts };
}

/** The canonical URI: each path segment decoded and re-encoded strictly. */
function canonicalUri(url: string): string {
  const index = url.indexOf("?");
  const path = index < 0 ? url : url.slice(0, index);
  return (path || "/")
    .split("/")
    .map((segment) => {
      try {
        return strictEncode(decodeURIComponent(segment));
      } catch {
        return segment;
      }
    })
    .join("/");
}

/**
 * The V3 canonical request of `request` for the given signed headers and body hash.
 *
 * @example
 * ```ts
 * v3CanonicalRequest(request, ["host", "x-acs-date"], sha256Hex(body));
 * ```
 */
export function v3CanonicalRequest(
  request: SignedRequest,
  signedHeaders: readonly string[],
  bodyHash: string,
): string {
  const query = parseParams(rawQueryOf(request.url));
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${strictEncode(key)}=${strictEncode(query[key])}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headerValue(request, name) ?? "").trim()}\n`)
    .join("");
  return [
    request.method.toUpperCase(),
    canonicalUri(request.url),
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(";"),
    bodyHash,
  ].join("\n");
}

/** Lower-case hex SHA-256 of `data`. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

const V3_REQUIRED_HEADERS = [
  "x-acs-date",
  "x-acs-signature-nonce",
  "x-acs-content-sha256",
] as const;

/** A V3 request's Authorization parts and signed header names, once its form is complete. */
interface V3Authorization {
  readonly parts: Readonly<Record<string, string>>;
  readonly signedHeaders: readonly string[];
}

/** Reads a V3 request's Authorization header, or rejects the request that is not complete. */
function readV3Authorization(request: SignedRequest): V3Authorization | SignatureRejected {
  const header = headerValue(request, "authorization");
  const incomplete = (what: string, accessKeyId?: string) =>
    reject(
      "v3",
      "IncompleteSignature",
      `The request signature does not conform to Aliyun standards: ${what}`,
      accessKeyId,
    );
  if (header === undefined) return incomplete("the Authorization header is missing.");
  const authorization = parseAuthorization(header);
  if (!authorization) return incomplete("the Authorization header is empty.");
  const accessKeyId = authorization.parts.Credential || undefined;
  if (authorization.algorithm !== V3_ALGORITHM) {
    return reject(
      "v3",
      "InvalidSignatureMethod",
      `${ERROR_MESSAGES.InvalidSignatureMethod} Use ${V3_ALGORITHM}.`,
      accessKeyId,
    );
  }
  const absent = ["Credential", "SignedHeaders", "Signature"].find((p) => !authorization.parts[p]);
  if (absent) return incomplete(`the Authorization header has no ${absent}.`, accessKeyId);
  const missing = V3_REQUIRED_HEADERS.find((name) => !headerValue(request, name));
  if (missing)
    return reject("v3", "MissingParameter", missingParameterMessage(missing), accessKeyId);

  const signedHeaders = authorization.parts.SignedHeaders.split(";").map((h) =>
    h.trim().toLowerCase(),
  );
  const unsigned = Object.keys(request.headers)
    .filter((h) => h === "host" || h.startsWith("x-acs-"))
    .find((h) => !signedHeaders.includes(h));
  if (unsigned !== undefined)
    return incomplete(`header "${unsigned}" must be in SignedHeaders.`, accessKeyId);
  return { parts: authorization.parts, signedHeaders };
}

function verifyV3(request: SignedRequest, options: VerifyOptions): SignatureVerification {
  const authorization = readV3Authorization(request);
  if ("ok" in authorization) return authorization;
  const { parts, signedHeaders } = authorization;
  const bodyHash = sha256Hex(request.body);
  const sentHash = headerValue(request, "x-acs-content-sha256") ?? "";
  return verifyParts(
    {
      version: "v3",
      accessKeyId: parts.Credential,
      timestamp: headerValue(request, "x-acs-date") ?? "",
      nonce: headerValue(request, "x-acs-signature-nonce") ?? "",
      securityToken: headerValue(request, "x-acs-security-token") || undefined,
      provided: parts.Signature.toLowerCase(),
      expected: (secret) => {
        const canonical = v3CanonicalRequest(request, [...signedHeaders].sort(), bodyHash);
        const stringToSign = `${V3_ALGORITHM}\n${sha256Hex(canonical)}`;
        const signature = createHmac("sha256", secret).update(stringToSign).digest("hex");
        // A body changed after signing no longer matches the hash the client signed.
        if (sentHash.toLowerCase() !== bodyHash) {
          return {
            stringToSign,
            signature,
            mismatch:
              "Specified signature is not matched with our calculation: x-acs-content-sha256 does not match the request body.",
          };
        }
        return { stringToSign, signature };
      },
    },
    options,
  );
}
