/**
 * Where an access key is used, from its CloudTrail events: pure counting and the caveats that every
 * summary states. Counting is incremental ({@link UsageTally}), so a key with hundreds of thousands
 * of events is summarised page by page without holding the events.
 */
import type { KeyEvent } from "./key-event";
import { userAgentFamily } from "./user-agent-family";

/** How long CloudTrail's event history keeps management events, in days: the longest window. */
export const EVENT_HISTORY_DAYS = 90;

/** Global services' events (IAM, STS's global endpoint, CloudFront, …) are recorded in this region. */
export const GLOBAL_EVENTS_REGION = "us-east-1";

const DAY_MS = 86_400_000;

/** A region whose lookup failed: what the summary could not count. */
export interface RegionError {
  readonly region: string;
  /** `Name: message` of the error. */
  readonly error: string;
}

/** Why the key's user could not be named. */
export interface UserLookupProblem {
  /** The IAM error code, e.g. `NoSuchEntity` or `AccessDenied`. */
  readonly code: string;
}

/** Where a key is used, over a window and a set of regions. */
export interface UsageSummary {
  /** The key, in full: renderers mask it. */
  readonly accessKeyId: string;
  /** The IAM user that owns the key (`iam:GetAccessKeyLastUsed`); null when unknown. */
  readonly user: string | null;
  /** Start of the window. */
  readonly from: Date;
  /** End of the window. */
  readonly to: Date;
  /** The regions whose event history was read to the end, sorted. */
  readonly regionsChecked: readonly string[];
  /** The regions whose lookup failed; their events are not counted. */
  readonly regionErrors: readonly RegionError[];
  /** Events counted. */
  readonly events: number;
  readonly services: readonly { readonly service: string; readonly calls: number }[];
  readonly actions: readonly { readonly action: string; readonly calls: number }[];
  readonly sourceIps: readonly { readonly ip: string; readonly calls: number }[];
  /** Calls by user-agent family (`aws-cli`, `Terraform`, …), never the raw strings. */
  readonly userAgents: readonly { readonly agent: string; readonly calls: number }[];
  readonly regions: readonly { readonly region: string; readonly calls: number }[];
  /** The earliest event in the window; null without events. */
  readonly firstSeen: Date | null;
  /** The latest event in the window; null without events. */
  readonly lastSeen: Date | null;
  /** What the summary cannot see; stated with every summary. */
  readonly caveats: readonly string[];
}

/** Running counts of a key's events, fed a page at a time. */
export class UsageTally {
  private count = 0;
  private readonly services = new Map<string, number>();
  private readonly actions = new Map<string, number>();
  private readonly sourceIps = new Map<string, number>();
  private readonly userAgents = new Map<string, number>();
  private readonly regions = new Map<string, number>();
  private first: Date | null = null;
  private last: Date | null = null;

  /** Counts `events`. */
  add(events: Iterable<KeyEvent>): void {
    for (const event of events) {
      this.count += 1;
      bump(this.services, event.service);
      bump(this.actions, event.action);
      bump(this.sourceIps, event.sourceIp);
      bump(this.userAgents, userAgentFamily(event.userAgent));
      bump(this.regions, event.region);
      const time = event.time.getTime();
      if (Number.isNaN(time)) continue;
      if (this.first === null || time < this.first.getTime()) this.first = event.time;
      if (this.last === null || time > this.last.getTime()) this.last = event.time;
    }
  }

  /** Events counted so far. */
  get events(): number {
    return this.count;
  }

  /** The counts so far, each list ordered by calls (most first), then by name. */
  counts(): Pick<
    UsageSummary,
    "events" | "services" | "actions" | "sourceIps" | "userAgents" | "regions" | "firstSeen" | "lastSeen"
  > {
    return {
      events: this.count,
      services: ranked(this.services).map(([service, calls]) => ({ service, calls })),
      actions: ranked(this.actions).map(([action, calls]) => ({ action, calls })),
      sourceIps: ranked(this.sourceIps).map(([ip, calls]) => ({ ip, calls })),
      userAgents: ranked(this.userAgents).map(([agent, calls]) => ({ agent, calls })),
      regions: ranked(this.regions).map(([region, calls]) => ({ region, calls })),
      firstSeen: this.first,
      lastSeen: this.last,
    };
  }
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function ranked(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

/** What {@link summarizeUsage} needs besides the counts. */
export interface UsageContext {
  readonly accessKeyId: string;
  readonly user: string | null;
  /** Set when the user could not be looked up. @default undefined: looked up (or null for no reason given) */
  readonly userProblem?: UserLookupProblem;
  readonly from: Date;
  readonly to: Date;
  /** Regions read to the end. */
  readonly regionsChecked: readonly string[];
  /** Regions whose lookup failed. @default [] */
  readonly regionErrors?: readonly RegionError[];
}

/** The summary of a finished lookup: the tally's counts, the context, and its caveats. */
export function summarizeUsage(tally: UsageTally, context: UsageContext): UsageSummary {
  const regionErrors = [...(context.regionErrors ?? [])].sort((a, b) => compare(a.region, b.region));
  return {
    accessKeyId: context.accessKeyId,
    user: context.user,
    from: context.from,
    to: context.to,
    regionsChecked: [...context.regionsChecked].sort(compare),
    regionErrors,
    ...tally.counts(),
    caveats: usageCaveats({ ...context, regionErrors }),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The window's length in whole days (a `--days` window is exact). */
export function windowDays(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

/** `2026-06-04 09:12 UTC`. */
export function formatUtcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The caveats every summary states: management events only, the window, the regions checked, and
 * when they apply, the global-events region left out, failed regions and an unknown user.
 */
export function usageCaveats(context: UsageContext): string[] {
  const days = windowDays(context.from, context.to);
  const checked = [...context.regionsChecked].sort(compare);
  const caveats = [
    "Management events only: CloudTrail's event history has no data events (S3 object reads and writes, " +
      "Lambda invocations, DynamoDB item calls, …), so a key used only for those looks unused here.",
    `Window: ${formatUtcMinute(context.from)} to ${formatUtcMinute(context.to)} (${days} ${days === 1 ? "day" : "days"}); ` +
      `the event history keeps ${EVENT_HISTORY_DAYS} days, and a call reaches it about 5 minutes after it is made.`,
    `Regions checked: ${checked.length} (${checked.join(", ") || "none"}); calls in other regions are not counted.`,
  ];
  if (!checked.includes(GLOBAL_EVENTS_REGION)) {
    caveats.push(
      `${GLOBAL_EVENTS_REGION} was not checked: calls to global services (IAM, STS's global endpoint, ` +
        "CloudFront, Route 53, Organizations) are recorded there and are missing.",
    );
  }
  const failed = context.regionErrors ?? [];
  if (failed.length > 0) {
    caveats.push(
      `Incomplete: the lookup failed in ${failed.length} ${failed.length === 1 ? "region" : "regions"} ` +
        `(${failed.map((failure) => failure.region).join(", ")}); their calls are not counted.`,
    );
  }
  if (context.userProblem) {
    caveats.push(
      `The key's user is unknown: iam:GetAccessKeyLastUsed answered ${context.userProblem.code}` +
        (context.userProblem.code === "NoSuchEntity" ? " (no IAM user of this account has this key)." : "."),
    );
  }
  return caveats;
}
