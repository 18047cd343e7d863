/**
 * MNS's errors: codes, HTTP status, and the error class every MNS handler throws.
 *
 * @packageDocumentation
 */

/** The MNS error codes the emulator answers with, and their HTTP status. */
export const MNS_ERROR_STATUS = {
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  MissingAuthorizationHeader: 400,
  InvalidAuthorizationHeader: 400,
  MissingDateHeader: 400,
  InvalidDateHeader: 400,
  TimeExpired: 408,
  MissingVersionHeader: 400,
  InvalidVersionHeader: 400,
  InvalidArgument: 400,
  MalformedXML: 400,
  MissingReceiptHandle: 400,
  MissingVisibilityTimeout: 400,
  ReceiptHandleError: 400,
  InvalidQueueName: 400,
  InvalidRequestURL: 400,
  QueueNotExist: 404,
  MessageNotExist: 404,
  QueueAlreadyExist: 409,
  QpsLimitExceeded: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
} as const;

/** An MNS error code. */
export type MnsErrorCode = keyof typeof MNS_ERROR_STATUS;

/** An error answered in MNS's XML format. */
export class MnsError extends Error {
  /** `"MnsError"` */
  override readonly name = "MnsError";
  constructor(
    readonly code: MnsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
