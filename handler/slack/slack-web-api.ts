import { redactSlackToken } from "../runtime/mask";
import { describeNetworkError, isTimeout, parseRetryAfter } from "./deliver-to-slack";
import { createMethodRateLimiter, RateLimitDeadlineError, type MethodRateLimiter } from "./method-rate-limiter";

// A small fetch client instead of the official @slack/web-api (7.19), measured with the function's
// esbuild settings (minified, node22): a WebClient that only calls chat.postMessage and
// users.lookupByEmail adds 341 KB minified and 88 KB zipped (axios, mime-db, p-queue, form-data…) to
// a 146 KiB zip whose budget is 250 KB. This client plus the whole owner-message path adds 15 KB
// minified and 5 KB zipped (zip 151 KiB).

/** Options of {@link createSlackWebApi}. */
export interface SlackWebApiOptions {
  /** The bot token. It is a secret: it never appears in errors. */
  readonly token: string;
  /** Base URL of the Web API, ending in `/` (`SLACK_API_URL`). */
  readonly apiUrl: string;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests pass a fake to stay fast. @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock, for the per-channel pace. @default Date.now */
  readonly clock?: () => number;
  /** Per-attempt limit for the whole request. @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts per call, the first one included. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff after a 5xx or network error; it doubles on each retry. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest `Retry-After` we honour; Slack asking for more fails the call at once. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /** Least time between two messages to the same channel: Slack allows about one per second. @default 1000 */
  readonly channelIntervalMs?: number;
  /** Time left in the invocation; a retry that could not finish in time fails instead. @default no deadline */
  readonly remainingTimeMs?: () => number;
  /**
   * Calls per minute per method (`SLACK_RATE_LIMITS`): the client's own pace, within Slack's tiers.
   * @default {}: no pace of its own, only Slack's 429s hold a method
   */
  readonly rateLimits?: Readonly<Record<string, number>>;
}

/** Per-call options of {@link SlackWebApi.call}. */
export interface SlackCallOptions {
  /**
   * The call must have started by then (epoch ms): a call whose turn under the rate limits, or whose
   * retry, would come later fails with reason {@link NOT_REACHED} instead. @default the invocation's end
   */
  readonly deadline?: number;
}

/** The reason of a call that was never made, or given up, because its turn came after its deadline. */
export const NOT_REACHED = "not_reached";

/** A Web API answer with `ok: true`. */
export type SlackApiResponse = Readonly<Record<string, unknown>> & { readonly ok: true };

/** The few Web API methods the monitor calls. */
export interface SlackWebApi {
  /** Calls a method; resolves with Slack's answer, or throws {@link SlackApiError}. */
  call(
    method: string,
    params: Readonly<Record<string, unknown>>,
    options?: SlackCallOptions,
  ): Promise<SlackApiResponse>;
  /** `chat.postMessage`, paced to about one message per second per channel. */
  postMessage(
    channel: string,
    message: Readonly<Record<string, unknown>>,
    options?: SlackCallOptions,
  ): Promise<SlackApiResponse>;
  /** HTTP attempts made so far, retries included. */
  attempts(): number;
}

/** Thrown when a Web API call fails; the message names Slack's error and what to do, never the token. */
export class SlackApiError extends Error {
  /** The method called, such as `chat.postMessage`. */
  readonly method: string;
  /** Slack's error code (`not_in_channel`, `invalid_auth`, …) or what went wrong on the way. */
  readonly reason: string;
  /** True when retrying cannot help (a setting or the app's installation must change). */
  readonly permanent: boolean;
  /** The last HTTP status. @default undefined: no response (network error or timeout) */
  readonly status?: number;

  constructor(
    message: string,
    details: { method: string; reason: string; permanent: boolean; status?: number | undefined },
  ) {
    super(message);
    this.name = "SlackApiError";
    this.method = details.method;
    this.reason = details.reason;
    this.permanent = details.permanent;
    if (details.status !== undefined) this.status = details.status;
  }
}

// Slack's answers that a retry can cure; any other `ok: false` is permanent.
const TRANSIENT_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

/**
 * What to do about a permanent Web API error: the cause and the fix, for the error message. The
 * channel is the one the call was for.
 */
export function explainSlackError(error: string, context: { channel?: string; needed?: string } = {}): string {
  const channel = context.channel ?? "the channel";
  switch (error) {
    case "not_in_channel":
      return `the app is not a member of ${channel}: invite the app to ${channel} (/invite @your-app in the channel)`;
    case "channel_not_found":
      return `${channel} does not exist or the app cannot see it: check SLACK_CHANNEL, and invite the app to a private channel`;
    case "is_archived":
      return `${channel} is archived: unarchive it or set SLACK_CHANNEL to another channel`;
    case "invalid_auth":
    case "not_authed":
    case "token_revoked":
      return "the bot token is not valid: store the app's current Bot User OAuth Token (xoxb-…) in SLACK_BOT_TOKEN_PARAMETER";
    case "account_inactive":
      return "the token belongs to an app that was uninstalled or a user that was deactivated: reinstall the app and store its new bot token";
    case "missing_scope":
      return `the app lacks the scope ${context.needed ?? "the method needs"}: add it under OAuth & Permissions and reinstall the app`;
    default:
      return "Slack refused the call";
  }
}

const sleepWithTimer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Slack Web API client over fetch. Each method keeps its own pace (`rateLimits`), and a 429's
 * `Retry-After` holds every call of that method, not only the refused one (see method-rate-limiter.ts).
 * `ratelimited` waits and retries; 5xx, network errors, timeouts and Slack's transient errors back off
 * and retry, bounded by `maxAttempts` and the deadline. Any other `ok: false` answer is permanent and
 * fails at once with {@link explainSlackError}'s advice.
 */
export function createSlackWebApi(options: SlackWebApiOptions): SlackWebApi {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? sleepWithTimer;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const channelIntervalMs = options.channelIntervalMs ?? 1_000;
  const redact = (text: string): string => redactSlackToken(text, options.token);
  const limiter: MethodRateLimiter = createMethodRateLimiter({ perMinute: options.rateLimits ?? {}, clock, sleep });
  const lastPostAt = new Map<string, number>();
  let attempts = 0;

  async function call(
    method: string,
    params: Readonly<Record<string, unknown>>,
    callOptions: SlackCallOptions = {},
  ): Promise<SlackApiResponse> {
    const url = new URL(method, options.apiUrl).toString();
    const channel = typeof params.channel === "string" ? params.channel : undefined;
    const fail = (message: string, reason: string, permanent: boolean, status?: number): SlackApiError =>
      new SlackApiError(redact(`Slack ${method} failed: ${message}`), {
        method,
        reason: redact(reason),
        permanent,
        status,
      });
    // A first attempt always goes out (bar its own deadline): the digest is worth the try. Retries and
    // waits must leave time for a whole request before the invocation ends.
    const remainingAtStart = options.remainingTimeMs?.();
    const invocationEnd = remainingAtStart === undefined ? Number.POSITIVE_INFINITY : clock() + remainingAtStart;
    const ownDeadline = callOptions.deadline ?? Number.POSITIVE_INFINITY;
    const retryDeadline = Math.min(ownDeadline, invocationEnd - timeoutMs);
    const bounded = Number.isFinite(retryDeadline);
    let lastProblem = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        const deadline = attempt === 1 ? ownDeadline : retryDeadline;
        await limiter.acquire(method, Number.isFinite(deadline) ? deadline : undefined);
      } catch (error) {
        if (!(error instanceof RateLimitDeadlineError)) throw error;
        const last = lastProblem ? `; last: ${lastProblem}` : "";
        throw fail(`not called: ${error.message}${last}`, NOT_REACHED, false, lastStatus);
      }
      attempts += 1;
      const delayMs = baseDelayMs * 2 ** (attempt - 1);
      try {
        const response = await doFetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${options.token}`, "content-type": contentType(method) },
          body: encodeParams(method, params),
          signal: AbortSignal.timeout(timeoutMs),
        });
        lastStatus = response.status;
        const body = parseBody(await response.text());
        if (response.ok && body?.ok === true) return body as SlackApiResponse;
        const reason = typeof body?.error === "string" ? body.error : `HTTP ${response.status}`;
        lastProblem = reason === `HTTP ${response.status}` ? reason : `HTTP ${response.status} ${reason}`;
        if (response.status === 429 || reason === "ratelimited") {
          const retryAfterMs = parseRetryAfter(response.headers.get("retry-after")) ?? delayMs;
          // Without a deadline, a wait longer than maxRetryAfterMs fails now rather than stall the run.
          if (!bounded && retryAfterMs > maxRetryAfterMs) {
            throw fail(
              `rate-limited, asked to retry after ${Math.ceil(retryAfterMs / 1000)} s, longer than the ` +
                `${Math.ceil(maxRetryAfterMs / 1000)} s we wait`,
              "ratelimited",
              false,
              response.status,
            );
          }
          // Every call of the method waits, not only this one; the next attempt's turn comes after it.
          limiter.holdUntil(method, clock() + retryAfterMs);
          continue;
        }
        if (!(response.status >= 500 || TRANSIENT_ERRORS.has(reason))) {
          const needed = typeof body?.needed === "string" ? body.needed : undefined;
          throw fail(
            `${reason}: ${explainSlackError(reason, { ...(channel ? { channel } : {}), ...(needed ? { needed } : {}) })}`,
            reason,
            true,
            response.status,
          );
        }
      } catch (error) {
        if (error instanceof SlackApiError) throw error;
        lastStatus = undefined;
        lastProblem = isTimeout(error)
          ? `no complete response within ${timeoutMs} ms`
          : `network error: ${describeNetworkError(error)}`;
      }
      if (attempt < maxAttempts) {
        if (clock() + delayMs > retryDeadline) {
          const left = Number.isFinite(invocationEnd) ? `the invocation has ${invocationEnd - clock()} ms left` : "";
          throw fail(
            `${left || "the call's deadline is near"}, too little to retry; last: ${lastProblem}`,
            clock() + delayMs > ownDeadline ? NOT_REACHED : lastProblem,
            false,
            lastStatus,
          );
        }
        await sleep(delayMs);
      }
    }
    throw fail(`no success after ${maxAttempts} attempts; last: ${lastProblem}`, lastProblem, false, lastStatus);
  }

  return {
    call,
    async postMessage(channel, message, callOptions) {
      const last = lastPostAt.get(channel);
      if (last !== undefined) {
        const waitMs = last + channelIntervalMs - clock();
        if (waitMs > 0) await sleep(waitMs);
      }
      try {
        return await call(
          "chat.postMessage",
          { ...message, channel, unfurl_links: false, unfurl_media: false },
          callOptions,
        );
      } finally {
        lastPostAt.set(channel, clock());
      }
    },
    attempts: () => attempts,
  };
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// chat.postMessage takes JSON (its blocks are nested); the read methods such as users.lookupByEmail
// only take form fields.
const JSON_METHODS = new Set(["chat.postMessage"]);

function contentType(method: string): string {
  return JSON_METHODS.has(method) ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded";
}

function encodeParams(method: string, params: Readonly<Record<string, unknown>>): string {
  if (JSON_METHODS.has(method)) return JSON.stringify(params);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) form.set(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  return form.toString();
}
