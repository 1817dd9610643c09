/**
 * Seeds and inspects the CloudTrail event history that scripts/moto_server.py adds to moto
 * (`LookupEvents`, which moto itself lacks). See the shim's docstring for the endpoints.
 */

/** A CloudTrail record, as `CloudTrailEvent` carries it; the shim fills in the rest. */
export interface CloudTrailRecord {
  /** ISO 8601. */
  readonly eventTime: string;
  /** `s3.amazonaws.com`. */
  readonly eventSource: string;
  readonly eventName: string;
  /** The region whose event history holds the record. */
  readonly awsRegion: string;
  readonly userIdentity?: {
    readonly accessKeyId?: string;
    readonly userName?: string;
    readonly accountId?: string;
    readonly type?: string;
  };
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly readOnly?: boolean;
  /** @default a new UUID */
  readonly eventID?: string;
  /** @default userIdentity.accountId, else moto's default account */
  readonly recipientAccountId?: string;
  readonly resources?: readonly { readonly type?: string; readonly ARN?: string }[];
}

/** One `LookupEvents` request the shim answered. */
export interface LookupRequest {
  readonly accountId: string;
  readonly region: string;
  /** When the shim handled it (between the client's sending and its answer). */
  readonly time: Date;
  /** Answered with `ThrottlingException`. */
  readonly throttled: boolean;
  /** The request's `User-Agent` and `X-Amz-User-Agent`. */
  readonly userAgent: string;
}

/** Adds `records` to the event history of their accounts and regions; resolves with how many were stored. */
export async function seedCloudTrailEvents(endpoint: string, records: readonly CloudTrailRecord[]): Promise<number> {
  const response = await fetch(`${endpoint}/moto-api/cloudtrail/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ events: records }),
  });
  const body = (await response.json()) as { stored?: number; Error?: string };
  if (!response.ok) throw new Error(`seeding CloudTrail events failed: HTTP ${response.status}: ${body.Error}`);
  return body.stored ?? 0;
}

/** Every `LookupEvents` request since the last reset or {@link clearLookupRequests}, in arrival order. */
export async function lookupRequests(endpoint: string): Promise<LookupRequest[]> {
  const response = await fetch(`${endpoint}/moto-api/cloudtrail/lookup-requests`);
  if (!response.ok) throw new Error(`reading the LookupEvents log failed: HTTP ${response.status}`);
  const { requests } = (await response.json()) as {
    requests: (Omit<LookupRequest, "time"> & { time: number })[];
  };
  return requests.map((request) => ({ ...request, time: new Date(request.time * 1000) }));
}

/** Forgets the `LookupEvents` log; the events stay. */
export async function clearLookupRequests(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/cloudtrail/lookup-requests`, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing the LookupEvents log failed: HTTP ${response.status}`);
}

/** The most requests the shim accepted (not throttled) in one region within any second. */
export function mostAcceptedInAnySecond(requests: readonly LookupRequest[], region: string): number {
  const times = requests
    .filter((request) => request.region === region && !request.throttled)
    .map((request) => request.time.getTime())
    .sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; first < times.length; first += 1) {
    while (last < times.length && times[last] - times[first] < 1000) last += 1;
    most = Math.max(most, last - first);
  }
  return most;
}
