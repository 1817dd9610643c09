/**
 * One CloudTrail event of an access key, reduced to what a usage summary counts. Pure: it reads the
 * `LookupEvents` answer, whose `CloudTrailEvent` is the full record as a JSON string.
 */

/** The fields of a `LookupEvents` event this module reads (the SDK's `Event` has them all). */
export interface LookupEventFields {
  readonly EventId?: string;
  readonly EventName?: string;
  readonly EventTime?: Date;
  readonly EventSource?: string;
  /** The whole CloudTrail record, as a JSON string. */
  readonly CloudTrailEvent?: string;
}

/** One call made with the key. */
export interface KeyEvent {
  /** When the call was made. */
  readonly time: Date;
  /** The service, from `eventSource` without `.amazonaws.com`: `s3`, `iam`, `sts`. */
  readonly service: string;
  /** The API action as IAM names it: `s3:ListBuckets`. */
  readonly action: string;
  /** The region the call was recorded in (`awsRegion`). */
  readonly region: string;
  /** `sourceIPAddress`: an IP address, or an AWS service's name when a service called on the key's behalf. */
  readonly sourceIp: string;
  /** The raw `userAgent`; summaries count its family, never the string. */
  readonly userAgent: string;
}

/** The part of a CloudTrail record this module reads. */
interface CloudTrailRecord {
  readonly eventTime?: unknown;
  readonly eventSource?: unknown;
  readonly eventName?: unknown;
  readonly awsRegion?: unknown;
  readonly sourceIPAddress?: unknown;
  readonly userAgent?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** `s3.amazonaws.com` → `s3`; anything else is kept as it is. */
export function serviceOf(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/i, "");
}

/**
 * The {@link KeyEvent} of one `LookupEvents` event found in `region`. The record inside
 * `CloudTrailEvent` is preferred; when it is missing or not JSON, the event's own fields stand in and
 * the IP and user agent are `unknown`.
 */
export function keyEventFromLookup(event: LookupEventFields, region: string): KeyEvent {
  let record: CloudTrailRecord = {};
  try {
    const parsed: unknown = event.CloudTrailEvent ? JSON.parse(event.CloudTrailEvent) : undefined;
    if (parsed && typeof parsed === "object") record = parsed as CloudTrailRecord;
  } catch {
    // a truncated or foreign record: the event's own fields still say what and when
  }
  const eventSource = text(event.EventSource) ?? text(record.eventSource) ?? "unknown";
  const service = serviceOf(eventSource);
  const recordTime = text(record.eventTime);
  return {
    time: event.EventTime ?? (recordTime ? new Date(recordTime) : new Date(Number.NaN)),
    service,
    action: `${service}:${text(event.EventName) ?? text(record.eventName) ?? "unknown"}`,
    region: text(record.awsRegion) ?? region,
    sourceIp: text(record.sourceIPAddress) ?? "unknown",
    userAgent: text(record.userAgent) ?? "",
  };
}
