/**
 * The error catalogue of the emulator: the HTTP status and message Alibaba's API gateway and IMS
 * return for each code, and the JSON body they share.
 *
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";

/** Error codes of RAM 2015-05-01, as its error catalogue names them. */
export type RamErrorCode =
  | "InvalidParameter.PolicyName.InvalidChars"
  | "InvalidParameter.PolicyName.Length"
  | "InvalidParameter.RoleName.InvalidChars"
  | "InvalidParameter.RoleName.Length"
  | "InvalidParameter.PolicyType"
  | "InvalidParameter.PolicyDocument.Length"
  | "InvalidParameter.Description.Length"
  | "InvalidParameter.VersionId.Format"
  | "InvalidParameter.RotateStrategy"
  | "InvalidParameter.MaxSessionDuration"
  | "MalformedPolicyDocument"
  | "EntityNotExist.Policy"
  | "EntityNotExist.Policy.Version"
  | "EntityNotExist.Role"
  | "EntityNotExist.Role.Policy"
  | "EntityAlreadyExists.Policy"
  | "EntityAlreadyExists.Role"
  | "EntityAlreadyExists.Role.Policy"
  | "DeleteConflict.Policy.Version"
  | "DeleteConflict.Policy.Version.Default"
  | "DeleteConflict.Role.Policy"
  | "LimitExceeded.Policy.Version";

/** Error codes of the Mns-open 2022-01-19 queue operations. */
export type MnsOpenErrorCode = "QueueNotExist" | "QueueAlreadyExist" | "InvalidQueueName";

/** Every error code the emulator can answer with. */
export type EmulatorErrorCode =
  | RamErrorCode
  | MnsOpenErrorCode
  | "MissingParameter"
  | "InvalidParameter"
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
  | "InvalidAction.NotFound"
  | "InvalidVersion"
  | "Throttling.User"
  | "ServiceUnavailable"
  | "InternalError";

/** The JSON body of every error response, as Alibaba's gateway shapes it. */
export interface ApiErrorBody {
  /** Unique id of the request, upper-case UUID. */
  readonly RequestId: string;
  /** The API host the request was meant for, e.g. `ice.cn-shanghai.aliyuncs.com`. */
  readonly HostId: string;
  /** The error code, e.g. `SignatureDoesNotMatch`. */
  readonly Code: string;
  /** Human-readable explanation. */
  readonly Message: string;
  /** Troubleshooting link. */
  readonly Recommend: string;
}

const STATUS: Readonly<Record<EmulatorErrorCode, number>> = {
  "InvalidParameter.PolicyName.InvalidChars": 400,
  "InvalidParameter.PolicyName.Length": 400,
  "InvalidParameter.RoleName.InvalidChars": 400,
  "InvalidParameter.RoleName.Length": 400,
  "InvalidParameter.PolicyType": 400,
  "InvalidParameter.PolicyDocument.Length": 400,
  "InvalidParameter.Description.Length": 400,
  "InvalidParameter.VersionId.Format": 400,
  "InvalidParameter.RotateStrategy": 400,
  "InvalidParameter.MaxSessionDuration": 400,
  MalformedPolicyDocument: 400,
  "EntityNotExist.Policy": 404,
  "EntityNotExist.Policy.Version": 404,
  "EntityNotExist.Role": 404,
  "EntityNotExist.Role.Policy": 404,
  "EntityAlreadyExists.Policy": 409,
  "EntityAlreadyExists.Role": 409,
  "EntityAlreadyExists.Role.Policy": 409,
  "DeleteConflict.Policy.Version": 409,
  "DeleteConflict.Policy.Version.Default": 409,
  "DeleteConflict.Role.Policy": 409,
  "LimitExceeded.Policy.Version": 409,
  QueueNotExist: 404,
  QueueAlreadyExist: 409,
  InvalidQueueName: 400,
  MissingParameter: 400,
  InvalidParameter: 400,
  IncompleteSignature: 400,
  SignatureDoesNotMatch: 400,
  InvalidSignatureMethod: 400,
  "InvalidAccessKeyId.NotFound": 404,
  "InvalidTimeStamp.Expired": 400,
  "InvalidTimeStamp.Format": 400,
  SignatureNonceUsed: 400,
  MissingSecurityToken: 400,
  "InvalidSecurityToken.Expired": 400,
  "InvalidSecurityToken.MismatchWithAccessKey": 400,
  "InvalidAction.NotFound": 404,
  InvalidVersion: 400,
  "Throttling.User": 400,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** The gateway's fixed messages, for codes whose message does not depend on the request. */
export const ERROR_MESSAGES = {
  "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
  "InvalidTimeStamp.Expired": "Specified time stamp or date value is expired.",
  "InvalidTimeStamp.Format": "Specified time stamp or date value is not well formatted.",
  SignatureNonceUsed: "Specified signature nonce was used already.",
  InvalidSignatureMethod: "Specified signature method is not supported.",
  MissingSecurityToken: "The SecurityToken is mandatory for a temporary (STS) AccessKey.",
  "InvalidSecurityToken.Expired": "Specified SecurityToken is expired.",
  "InvalidSecurityToken.MismatchWithAccessKey":
    "Specified SecurityToken mismatch with the AccessKey.",
  "InvalidAction.NotFound": "Specified api is not found, please check your url and method.",
  InvalidVersion: "Specified parameter Version is not valid.",
  "Throttling.User": "Request was denied due to user flow control.",
  ServiceUnavailable: "The request has failed due to a temporary failure of the server.",
  InternalError:
    "The request processing has failed due to some unknown error, exception or failure.",
} as const satisfies Partial<Record<EmulatorErrorCode, string>>;

/** An API error to be answered with {@link ApiErrorBody}. */
export class ApiError extends Error {
  /** `"ApiError"` */
  override readonly name = "ApiError";
  /** The HTTP status, derived from the code. */
  readonly status: number;
  constructor(
    /** The error code. */
    readonly code: EmulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/**
 * The HTTP status Alibaba uses for `code`.
 *
 * @example
 * ```ts
 * statusOf("InvalidAccessKeyId.NotFound"); // 404
 * ```
 */
export function statusOf(code: EmulatorErrorCode): number {
  return STATUS[code];
}

/** The gateway's `MissingParameter` message for `name`. */
export function missingParameterMessage(name: string): string {
  return `The input parameter "${name}" that is mandatory for processing this request is not supplied.`;
}

/** A fresh request id in Alibaba's format (upper-case UUID). */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Builds the error body for `error`, answered by the endpoint `hostId` of `product` (e.g. `"Ram"`). */
export function errorBody(
  error: ApiError,
  requestId: string,
  hostId: string,
  product = "ICE",
): ApiErrorBody {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${encodeURIComponent(product)}&requestId=${requestId}`,
  };
}
