/**
 * Security Hub's error answers, read the way the SDK's REST-JSON protocol reads them, so a log line
 * names the same error as before (`AccessDeniedException: …`, through describeError), and classified
 * for retries the way the SDK's retry middleware classifies them.
 */
import type { RetryErrorInfo } from "../runtime/retry-with-backoff";

/** A Security Hub error answer: `name` is the error code (`AccessDeniedException`, `LimitExceededException`). */
export class SecurityHubError extends Error {
  /** The HTTP status, where the SDK's errors carry it. */
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  /** `client` for a 4xx, `server` for a 5xx, as in the SDK. */
  readonly $fault: "client" | "server";
  /** The answer's `Retry-After`, as a time. @default undefined: none given */
  readonly retryAfter?: Date;

  constructor(code: string, message: string, status: number, extra: { requestId?: string; retryAfter?: Date } = {}) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status, ...(extra.requestId ? { requestId: extra.requestId } : {}) };
    this.$fault = status >= 500 ? "server" : "client";
    if (extra.retryAfter) this.retryAfter = extra.retryAfter;
  }
}

/**
 * The error of a non-2xx answer. The code comes from `x-amzn-errortype`, else the body's `code` or
 * `__type`, each cut to the bare name (`Name:http://…`, `ns#Name`); the message from `message` or
 * `Message`. An answer that is not Security Hub's (a proxy's HTML page) gets `UnknownError` and the
 * status.
 */
export function parseErrorResponse(status: number, headers: Headers, bodyText: string): SecurityHubError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bodyText || "{}");
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status and the text say what there is to say.
  }
  const rawCode = headers.get("x-amzn-errortype") ?? stringField(body, "code") ?? stringField(body, "__type");
  const code = rawCode ? sanitizeErrorCode(rawCode) : "UnknownError";
  const message = stringField(body, "message") ?? stringField(body, "Message") ?? `HTTP ${status}${excerpt(bodyText)}`;
  const requestId = headers.get("x-amzn-requestid") ?? undefined;
  const retryAfter = parseRetryAfter(headers.get("retry-after"));
  return new SecurityHubError(code, message, status, {
    ...(requestId ? { requestId } : {}),
    ...(retryAfter ? { retryAfter } : {}),
  });
}

/** Error codes the SDK treats as throttling (Security Hub answers `LimitExceededException` with 429). */
const THROTTLING_CODES = new Set([
  "LimitExceededException",
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "SlowDown",
]);

/** Statuses the SDK treats as transient; another 5xx (501 Not Implemented, say) is not retried. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * How the retry loop treats a failed attempt, as the SDK's retry middleware would: a 429 or a
 * throttling code is THROTTLING; a 500/502/503/504, a request timeout, or a network error (fetch
 * rejects with a TypeError before any answer) is TRANSIENT; anything else is not retried.
 */
export function classifySecurityHubError(error: unknown): RetryErrorInfo {
  if (error instanceof SecurityHubError) {
    const status = error.$metadata.httpStatusCode;
    const retryAfter = error.retryAfter ? { retryAfterHint: error.retryAfter } : {};
    if (status === 429 || THROTTLING_CODES.has(error.name)) return { errorType: "THROTTLING", ...retryAfter };
    if (TRANSIENT_STATUSES.has(status) || error.name === "RequestTimeoutException") {
      return { errorType: "TRANSIENT", ...retryAfter };
    }
    return { errorType: status >= 500 ? "SERVER_ERROR" : "CLIENT_ERROR" };
  }
  // No answer at all: fetch rejects with a TypeError (`fetch failed`, its cause ECONNREFUSED,
  // ECONNRESET, ENOTFOUND, …) or `terminated` when the body is cut off. An abort is handled by the retry
  // loop before it asks.
  if (error instanceof TypeError || (error instanceof Error && error.name === "TimeoutError")) {
    return { errorType: "TRANSIENT" };
  }
  return { errorType: "CLIENT_ERROR" };
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The SDK's sanitizeErrorCode: `Code,…`, `Code:http://…` and `aws.protocol#Code` all give `Code`. */
function sanitizeErrorCode(raw: string): string {
  let code = raw.split(",")[0];
  code = code.split(":")[0];
  if (code.includes("#")) code = code.split("#")[1];
  return code.trim() || "UnknownError";
}

function excerpt(text: string): string {
  const trimmed = text.trim().slice(0, 200);
  return trimmed ? `: ${trimmed}` : "";
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): Date | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return new Date(Date.now() + seconds * 1000);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
