/**
 * The AWS edge of the usage summary: CloudTrail `LookupEvents` by `AccessKeyId`, every page of every
 * region, within CloudTrail's limit of 2 requests a second per account and region.
 */
import { CloudTrailClient, type CloudTrailClientConfig, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { describeError } from "../runtime/error-fields";
import { type BackoffRetryOptions, BackoffRetryStrategy } from "../runtime/backoff-retry-strategy";
import { isThrottling } from "../scan/iam-errors";
import { type KeyEvent, keyEventFromLookup } from "./key-event";
import { type RequestRateLimiter, createRequestRateLimiter } from "./request-rate-limiter";
import type { RegionError } from "./summarize-usage";

/** CloudTrail's limit on `LookupEvents`: requests per second, per account and region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;

/** The most events one `LookupEvents` page holds (`MaxResults`). */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;

/**
 * Backoff after a `ThrottlingException` (someone else using the same account's quota) or a transient
 * error: a random wait up to 1 s, 2 s, 4 s, … capped at 10 s, at most 10 attempts per page; the
 * limiter already keeps this client's own requests within the quota.
 */
export const CLOUDTRAIL_BACKOFF: BackoffRetryOptions = {
  maxAttempts: 10,
  maxTransientAttempts: 4,
  throttlingBaseMs: 1_000,
  transientBaseMs: 200,
  maxDelayMs: 10_000,
};

/** Regions read at once; each has its own quota, so this bounds only sockets and memory. */
export const DEFAULT_REGION_CONCURRENCY = 8;

/** How far a lookup has got. */
export interface LookupProgress {
  readonly regionsTotal: number;
  /** Regions read to the end, or failed. */
  readonly regionsDone: number;
  /** Events received so far. */
  readonly events: number;
  /** `LookupEvents` requests sent, retries included. */
  readonly requests: number;
  /** Requests CloudTrail answered with `ThrottlingException`. */
  readonly throttled: number;
}

/** Options of {@link lookupKeyEvents}. */
export interface LookupKeyEventsOptions {
  readonly accessKeyId: string;
  readonly regions: readonly string[];
  readonly from: Date;
  readonly to: Date;
  /** Receives each page's events as they arrive (a tally), so no region's events are held. */
  readonly onEvents: (events: readonly KeyEvent[], region: string) => void;
  /** Called after every request. @default none */
  readonly onProgress?: (progress: LookupProgress) => void;
  /**
   * Settings of each region's client besides its region and retries (credentials, for a member
   * account). @default the SDK's default chains
   */
  readonly clientConfig?: Omit<CloudTrailClientConfig, "region" | "maxAttempts" | "retryStrategy" | "retryMode">;
  /** Regions read at once. @default DEFAULT_REGION_CONCURRENCY */
  readonly regionConcurrency?: number;
  /** Backoff after throttling and transient errors. @default CLOUDTRAIL_BACKOFF */
  readonly backoff?: BackoffRetryOptions;
  /** Each region's limiter. @default LOOKUP_EVENTS_PER_SECOND per second */
  readonly limiterFor?: (region: string) => RequestRateLimiter;
  /**
   * True once no further request may start (the function's time budget): the regions not read to the
   * end fail with a {@link LookupStoppedError}. @default never
   */
  readonly stopped?: () => boolean;
}

/** A region's lookup given up because {@link LookupKeyEventsOptions.stopped} said so. */
export class LookupStoppedError extends Error {
  constructor() {
    super("the lookup's time ran out");
    this.name = "LookupStoppedError";
  }
}

/** What a lookup read. */
export interface LookupResult {
  /** Regions read to the end. */
  readonly regionsChecked: readonly string[];
  /** Regions that failed after their retries, with the error. */
  readonly regionErrors: readonly RegionError[];
  /** The final progress. */
  readonly progress: LookupProgress;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type RetryErrorType = "THROTTLING" | "TRANSIENT" | "CLIENT_ERROR";

const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

function retryErrorType(error: unknown): RetryErrorType {
  if (isThrottling(error)) return "THROTTLING";
  const failure = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  const status = failure?.$metadata?.httpStatusCode ?? 0;
  if (status >= 500 || failure?.name === "TimeoutError" || TRANSIENT_CODES.has(String(failure?.code))) {
    return "TRANSIENT";
  }
  return "CLIENT_ERROR";
}

/**
 * Reads every page of the key's events in each region, `regionConcurrency` regions at a time and one
 * request at a time per region. Each region has its own limiter, which every attempt (retries too)
 * goes through; the SDK's own retries are off so none bypasses it. A region that still fails after
 * its retries is reported in `regionErrors` and the others carry on: the caller decides what an
 * incomplete answer means.
 */
export async function lookupKeyEvents(options: LookupKeyEventsOptions): Promise<LookupResult> {
  const backoff = new BackoffRetryStrategy(options.backoff ?? CLOUDTRAIL_BACKOFF);
  const limiterFor =
    options.limiterFor ?? (() => createRequestRateLimiter({ requests: LOOKUP_EVENTS_PER_SECOND, windowMs: 1_000 }));
  let progress: LookupProgress = {
    regionsTotal: options.regions.length,
    regionsDone: 0,
    events: 0,
    requests: 0,
    throttled: 0,
  };
  const update = (change: Partial<LookupProgress>): void => {
    progress = { ...progress, ...change };
    options.onProgress?.(progress);
  };
  const regionsChecked: string[] = [];
  const regionErrors: RegionError[] = [];

  await mapWithConcurrency(options.regions, options.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, async (region) => {
    const client = new CloudTrailClient({ ...options.clientConfig, region, maxAttempts: 1 });
    const limiter = limiterFor(region);
    try {
      let nextToken: string | undefined;
      do {
        const command = new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: "AccessKeyId", AttributeValue: options.accessKeyId }],
          StartTime: options.from,
          EndTime: options.to,
          MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        });
        let token = await backoff.acquireInitialRetryToken();
        for (;;) {
          if (options.stopped?.()) throw new LookupStoppedError();
          try {
            const page = await limiter.run(() => client.send(command));
            update({ requests: progress.requests + 1 });
            const events = (page.Events ?? []).map((event) => keyEventFromLookup(event, region));
            options.onEvents(events, region);
            update({ events: progress.events + events.length });
            nextToken = page.NextToken;
            break;
          } catch (error) {
            const errorType = retryErrorType(error);
            update({
              requests: progress.requests + 1,
              throttled: progress.throttled + (errorType === "THROTTLING" ? 1 : 0),
            });
            try {
              token = await backoff.refreshRetryTokenForRetry(token, { errorType });
            } catch {
              throw error;
            }
            await sleep(token.getRetryDelay());
          }
        }
      } while (nextToken);
      regionsChecked.push(region);
    } catch (error) {
      regionErrors.push({ region, error: describeError(error) });
    } finally {
      client.destroy();
      update({ regionsDone: progress.regionsDone + 1 });
    }
  });
  return { regionsChecked, regionErrors, progress };
}
