import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  LimitExceededException,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { describeError } from "../runtime/error-fields";

/** Thrown when a scan cannot complete; the run must fail rather than report "all clear". */
export class ScanError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`${message}: ${describeError(options.cause)}`, options);
    this.name = "ScanError";
  }
}

// IAM's error codes the scan handles, and the SDK's exception class for each.
const EXCEPTIONS = {
  NoSuchEntity: NoSuchEntityException,
  ReportInProgress: CredentialReportNotReadyException,
  ReportNotPresent: CredentialReportNotPresentException,
  ReportExpired: CredentialReportExpiredException,
  LimitExceeded: LimitExceededException,
} as const;

/** An IAM error code the scan tells apart. */
export type IamErrorCode = keyof typeof EXCEPTIONS;

// The name each exception class gives its errors (an instance field, so it survives minification).
const EXCEPTION_NAMES = Object.fromEntries(
  Object.entries(EXCEPTIONS).map(([code, Exception]) => [code, new Exception({ message: "", $metadata: {} }).name]),
) as Readonly<Record<IamErrorCode, string>>;

/**
 * True when the SDK error is IAM's `code`. Normally an `instanceof` the SDK's exception class; an
 * error from another copy of the SDK, or one the SDK could not map to a class, is matched by its
 * exception name or by IAM's own code.
 */
export function hasIamErrorCode(error: unknown, code: IamErrorCode): boolean {
  if (error instanceof EXCEPTIONS[code]) return true;
  const named = error as { name?: unknown; Code?: unknown; code?: unknown } | null;
  return named?.name === code || named?.Code === code || named?.code === code || named?.name === EXCEPTION_NAMES[code];
}

/** True for IAM's `NoSuchEntity` error: a user or key deleted while the scan ran. */
export function isNoSuchEntity(error: unknown): boolean {
  return hasIamErrorCode(error, "NoSuchEntity");
}

/** True for `AccessDenied`: among others, what IAM answers about a key of another account. */
export function isAccessDenied(error: unknown): boolean {
  const named = error as { name?: unknown; Code?: unknown; code?: unknown } | null;
  return ["AccessDenied", "AccessDeniedException"].some(
    (code) => named?.name === code || named?.Code === code || named?.code === code,
  );
}

// The codes AWS uses for "slow down"; IAM answers `Throttling` with HTTP 400.
const THROTTLING_CODES = [
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "SlowDown",
];

/** True when the SDK error says the request was throttled. */
export function isThrottling(error: unknown): boolean {
  const sdkError = error as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  } | null;
  return (
    THROTTLING_CODES.some((code) => sdkError?.name === code || sdkError?.Code === code || sdkError?.code === code) ||
    sdkError?.$metadata?.httpStatusCode === 429 ||
    sdkError?.$retryable?.throttling === true
  );
}
