/**
 * The function's edge to CloudTrail for `KEY_USAGE=on`: one key's usage line over the fixed window,
 * in a bounded set of regions.
 */
import { GLOBAL_EVENTS_REGION, UsageTally, summarizeUsage } from "./summarize-usage";
import { formatUsageLine } from "./format-usage-line";
import { lookupKeyEvents, type LookupKeyEventsOptions } from "./lookup-key-events";
import { usageWindow } from "./usage-cache";

/**
 * The regions the function reads: its own (where the team's workloads usually run) and us-east-1,
 * where CloudTrail records global services' calls (IAM, STS's global endpoint). Not every enabled
 * region: that is ~17 requests per key at 2 a second each, which a scheduled run cannot afford for
 * ten keys; `key-age usage` reads them all when someone asks.
 */
export function usageRegions(functionRegion: string | undefined): string[] {
  return [...new Set([functionRegion ?? GLOBAL_EVENTS_REGION, GLOBAL_EVENTS_REGION])];
}

/** Options of {@link lookupUsageLine}. */
export interface UsageLineLookupOptions {
  readonly accessKeyId: string;
  readonly userName: string;
  readonly regions: readonly string[];
  /** The end of the window. */
  readonly now: Date;
  /** True once no further request may start. @default never */
  readonly stopped?: () => boolean;
  /** Settings of the regions' clients. @default the SDK's default chains */
  readonly clientConfig?: LookupKeyEventsOptions["clientConfig"];
  /**
   * Each region's limiter: share them across a run's lookups, so that one key's last page and the
   * next key's first stay within CloudTrail's 2 a second. @default a new limiter per lookup
   */
  readonly limiterFor?: LookupKeyEventsOptions["limiterFor"];
}

/** A usage line, or why there is none (the caller logs it and omits the line). */
export type UsageLineResult = { readonly line: string } | { readonly failed: string } | { readonly stopped: true };

/**
 * Looks the key's events up and formats its line. A lookup the time budget cut short has no line
 * (a partial count would understate what breaks); one where every region failed has none either;
 * some regions failing gives a line that says it is incomplete.
 */
export async function lookupUsageLine(options: UsageLineLookupOptions): Promise<UsageLineResult> {
  const tally = new UsageTally();
  const window = usageWindow(options.now);
  const result = await lookupKeyEvents({
    accessKeyId: options.accessKeyId,
    regions: options.regions,
    ...window,
    onEvents: (events) => tally.add(events),
    ...(options.stopped ? { stopped: options.stopped } : {}),
    ...(options.clientConfig ? { clientConfig: options.clientConfig } : {}),
    ...(options.limiterFor ? { limiterFor: options.limiterFor } : {}),
  });
  if (result.regionErrors.some((failure) => failure.error.startsWith("LookupStoppedError"))) return { stopped: true };
  if (result.regionsChecked.length === 0) {
    return { failed: result.regionErrors.map((failure) => `${failure.region}: ${failure.error}`).join("; ") };
  }
  const summary = summarizeUsage(tally, {
    accessKeyId: options.accessKeyId,
    user: options.userName,
    ...window,
    regionsChecked: result.regionsChecked,
    regionErrors: result.regionErrors,
  });
  return { line: formatUsageLine(summary) };
}
