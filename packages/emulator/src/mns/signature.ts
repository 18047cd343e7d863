/**
 * The MNS data API's request signature: `Authorization: MNS <AccessKeyId>:<signature>`, a Base64
 * HMAC-SHA1 of the MNS string to sign, with the date, version, STS token and account checks.
 *
 * @packageDocumentation
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { MnsError } from "./errors";
import type { MnsCallRecord, MnsDataContext } from "./dataApi";
import { MNS_VERSION } from "./dataApi";
import { type EmulatorCredential, MAX_CLOCK_SKEW_MS } from "../ground/accounts";

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/**
 * The MNS string to sign of a request: `VERB\nContent-MD5\nContent-Type\nDate\n`, the `x-mns-*`
 * headers sorted as `name:value\n`, then the resource (path and query as sent).
 */
export function mnsStringToSign(
  method: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  resource: string,
): string {
  const value = (name: string): string => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : (v ?? "");
  };
  const mnsHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith("x-mns-"))
    .sort()
    .map((name) => `${name}:${value(name)}\n`)
    .join("");
  return `${method.toUpperCase()}\n${value("content-md5")}\n${value("content-type")}\n${value("date")}\n${mnsHeaders}${resource}`;
}

/** Verifies the MNS signature of `req`; returns the account, or throws the MNS error. */
export function verifyMnsRequest(
  req: IncomingMessage,
  context: MnsDataContext,
  record: MnsCallRecord,
): EmulatorCredential {
  const authorization = header(req, "authorization");
  if (!authorization)
    throw new MnsError("MissingAuthorizationHeader", "The Authorization header is missing.");
  const match = /^MNS ([^:\s]+):(\S+)$/.exec(authorization.trim());
  if (!match)
    throw new MnsError(
      "InvalidAuthorizationHeader",
      "The Authorization header must be 'MNS <AccessKeyId>:<Signature>'.",
    );
  const [, accessKeyId, provided] = match;
  record.accessKeyId = accessKeyId;
  const version = header(req, "x-mns-version");
  if (!version) throw new MnsError("MissingVersionHeader", "The x-mns-version header is missing.");
  if (version !== MNS_VERSION)
    throw new MnsError("InvalidVersionHeader", `The x-mns-version header must be ${MNS_VERSION}.`);
  const date = header(req, "date");
  if (!date) throw new MnsError("MissingDateHeader", "The Date header is missing.");
  const signedAt = Date.parse(date);
  if (Number.isNaN(signedAt))
    throw new MnsError("InvalidDateHeader", "The Date header is not a valid HTTP date.");
  const credential = context.resolveCredential(accessKeyId);
  if (!credential)
    throw new MnsError("InvalidAccessKeyId", "The access Id you provided is not exist.");
  if (Math.abs(context.now() - signedAt) > MAX_CLOCK_SKEW_MS)
    throw new MnsError("TimeExpired", "The http request you sent is expired.");
  const expected = createHmac("sha1", credential.accessKeySecret)
    .update(mnsStringToSign(req.method ?? "GET", req.headers, req.url ?? "/"), "utf8")
    .digest("base64");
  const left = Buffer.from(expected);
  const right = Buffer.from(provided);
  if (left.length !== right.length || !timingSafeEqual(left, right)) {
    throw new MnsError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
  const token = header(req, "security-token");
  if (credential.sts) {
    if (!token)
      throw new MnsError("AccessDenied", "A temporary AccessKey needs its security-token header.");
    const a = Buffer.from(token);
    const b = Buffer.from(credential.sts.securityToken);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw new MnsError("AccessDenied", "The security token does not match the AccessKey.");
    if (credential.sts.expiresAt <= context.now())
      throw new MnsError("AccessDenied", "The security token is expired.");
  } else if (token) {
    throw new MnsError("AccessDenied", "The security token does not match the AccessKey.");
  }
  const host = /^(\d+)\.mns\./.exec(header(req, "host") ?? "");
  if (host && host[1] !== credential.accountId)
    throw new MnsError(
      "AccessDenied",
      "The AccessKey does not belong to the account in the endpoint.",
    );
  return credential;
}
