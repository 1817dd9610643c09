// The SDK names an IAM error after its exception class (`NoSuchEntityException`) or after IAM's code
// (`NoSuchEntity`), depending on how it parsed the response: check both.
const EXCEPTION_NAMES: Readonly<Record<string, string>> = {
  NoSuchEntity: "NoSuchEntityException",
  ReportInProgress: "CredentialReportNotReadyException",
  ReportNotPresent: "CredentialReportNotPresentException",
  ReportExpired: "CredentialReportExpiredException",
  LimitExceeded: "LimitExceededException",
};

/** True when the SDK error carries IAM's error code `code`, under any of the names the SDK uses. */
export function hasIamErrorCode(error: unknown, code: string): boolean {
  const named = error as { name?: unknown; Code?: unknown; code?: unknown } | null;
  return named?.name === code || named?.Code === code || named?.code === code || named?.name === EXCEPTION_NAMES[code];
}

/** True for IAM's `NoSuchEntity` error: a user or key deleted while the scan ran. */
export function isNoSuchEntity(error: unknown): boolean {
  return hasIamErrorCode(error, "NoSuchEntity");
}
