import { errorChain } from "../runtime/error-fields";
import { redactWebhookUrl } from "../runtime/mask";
import { truncateText, type SlackMessage } from "./slack-message";

/** Options of {@link deliverToSlack}. */
export interface DeliverToSlackOptions {
  /** The incoming-webhook URL. It is a secret: it never appears in errors. */
  readonly webhookUrl: string;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests pass a fake to stay fast. @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Per-attempt limit for the whole request, body included. @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts per message, the first one included. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff after a 5xx or network error; it doubles on each retry. @default 1000 */
  readonly baseDelayMs?: number;
  /** Upper bound of one backoff. @default 8000 */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` we honour; Slack asking for more fails the delivery at once. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /**
   * Time left in the invocation (Lambda's `getRemainingTimeInMillis`). A retry that could not finish
   * in time fails with Slack's last answer instead of being cut off by the Lambda timeout.
   * @default undefined: no deadline
   */
  readonly remainingTimeMs?: () => number;
}

/** What a delivery did. */
export interface DeliveryReport {
  /** Messages Slack accepted. */
  readonly messagesPosted: number;
  /** HTTP attempts made, retries included. */
  readonly attempts: number;
}

/** Thrown when Slack does not accept a message. The message names Slack's reason, never the URL. */
export class SlackDeliveryError extends Error {
  /** Slack's reason (`no_service`, `invalid_payload`, …) or what went wrong on the way. */
  readonly reason: string;
  /** The last HTTP status. @default undefined: no response (network error or timeout) */
  readonly status?: number;
  /** Messages that were posted before the failure. */
  readonly messagesPosted: number;

  constructor(message: string, details: { reason: string; status?: number; messagesPosted: number }) {
    super(message);
    this.name = "SlackDeliveryError";
    this.reason = details.reason;
    this.messagesPosted = details.messagesPosted;
    if (details.status !== undefined) this.status = details.status;
  }
}

const sleepWithTimer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts each message to the webhook, in order. A 429 waits for `Retry-After` and retries; a 5xx,
 * network error or timeout backs off exponentially and retries; both are bounded by `maxAttempts`.
 * Any other 4xx is permanent and fails at once with Slack's reason from the response body.
 */
export async function deliverToSlack(
  messages: readonly SlackMessage[],
  options: DeliverToSlackOptions,
): Promise<DeliveryReport> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? sleepWithTimer;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const redact = (text: string): string => redactWebhookUrl(text, options.webhookUrl);
  // One run posts at most a few messages, so plain doubling without jitter cannot stampede Slack.
  const backoff = (attempt: number): number => Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));

  let attempts = 0;
  for (const [index, message] of messages.entries()) {
    const which = messages.length > 1 ? `message ${index + 1} of ${messages.length}` : "the message";
    const fail = (text: string, reason: string, status?: number): SlackDeliveryError =>
      new SlackDeliveryError(redact(text), {
        reason: redact(reason),
        messagesPosted: index,
        ...(status !== undefined ? { status } : {}),
      });

    let lastProblem = "";
    let lastStatus: number | undefined;
    let posted = false;
    for (let attempt = 1; attempt <= maxAttempts && !posted; attempt += 1) {
      attempts += 1;
      let delayMs: number;
      try {
        const response = await doFetch(options.webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Redacted before slackReason cuts it: a URL cut in half would no longer match.
        const reason = slackReason(redact(await response.text()), response);
        lastStatus = response.status;
        if (response.ok) {
          posted = true;
          continue;
        }
        lastProblem = `HTTP ${response.status} ${reason}`;
        if (response.status === 429) {
          const retryAfterMs = parseRetryAfter(response.headers.get("retry-after")) ?? backoff(attempt);
          if (retryAfterMs > maxRetryAfterMs) {
            throw fail(
              `Slack rate-limited ${which} and asked to retry after ${Math.ceil(retryAfterMs / 1000)} s, ` +
                `longer than the ${Math.ceil(maxRetryAfterMs / 1000)} s we wait`,
              reason,
              429,
            );
          }
          delayMs = retryAfterMs;
        } else if (response.status >= 500) {
          delayMs = backoff(attempt);
        } else {
          throw fail(`Slack rejected ${which}: ${lastProblem}`, reason, response.status);
        }
      } catch (error) {
        if (error instanceof SlackDeliveryError) throw error;
        lastStatus = undefined;
        lastProblem = isTimeout(error)
          ? `no complete response within ${timeoutMs} ms`
          : `network error: ${describeNetworkError(error)}`;
        delayMs = backoff(attempt);
      }
      if (attempt < maxAttempts) {
        const remainingMs = options.remainingTimeMs?.();
        if (remainingMs !== undefined && delayMs + timeoutMs > remainingMs) {
          throw fail(
            `Slack did not accept ${which} and the invocation has ${remainingMs} ms left, too little to retry; ` +
              `last: ${lastProblem}`,
            lastProblem,
            lastStatus,
          );
        }
        await sleep(delayMs);
      }
    }
    if (!posted) {
      throw fail(
        `Slack did not accept ${which} after ${maxAttempts} attempts; last: ${lastProblem}`,
        lastProblem,
        lastStatus,
      );
    }
  }
  return { messagesPosted: messages.length, attempts };
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/** Slack's reason from a response body (already redacted), cut to 200 characters. */
function slackReason(body: string, response: Response): string {
  const text = truncateText(body.trim(), 200);
  return text || response.statusText || "no reason given";
}

/** True when fetch gave up because of its timeout signal. */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

/** A network error's message with the cause undici keeps (ECONNREFUSED, ECONNRESET…). */
export function describeNetworkError(error: unknown): string {
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ECONNRESET…) in the cause.
  return errorChain(error)
    .slice(0, 2)
    .map((link) => link.message)
    .join(": ");
}
