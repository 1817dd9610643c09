import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
} from "@aws-sdk/client-cloudtrail";
import { isThrottling } from "../../../handler/scan/iam-errors";
import { createRequestRateLimiter } from "../../../handler/usage/request-rate-limiter";
import {
  type CloudTrailRecord,
  clearLookupRequests,
  lookupRequests,
  seedCloudTrailEvents,
} from "../../../scripts/lib/moto-cloudtrail";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";

// The LookupEvents that scripts/moto_server.py adds to moto, called with the real SDK: the shapes the
// CLI relies on, and the rate limit the CLI's integration test relies on to prove its limiter.
jest.setTimeout(60_000);

const KEY = "AKIAUSAGE00000000001";
const OTHER_KEY = "AKIAUSAGE00000000002";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let moto: MotoServer;
const clients = new Map<string, CloudTrailClient>();
// Each test uses its own regions, so one test's requests never throttle another's.
const limiter = createRequestRateLimiter({ requests: 2, windowMs: 1000 });

function cloudTrail(region: string): CloudTrailClient {
  let client = clients.get(region);
  if (!client) {
    client = new CloudTrailClient({
      endpoint: moto.endpoint,
      region,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    });
    clients.set(region, client);
  }
  return client;
}

function lookup(region: string, input: LookupEventsCommandInput): Promise<LookupEventsCommandOutput> {
  return limiter.run(() => cloudTrail(region).send(new LookupEventsCommand(input)));
}

function record(region: string, hoursAgo: number, overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventTime: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    eventSource: "s3.amazonaws.com",
    eventName: "ListBuckets",
    awsRegion: region,
    userIdentity: { accessKeyId: KEY, userName: "alice" },
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-cli/2.15.0 Python/3.11",
    ...overrides,
  };
}

const byKey = (key: string) => [{ AttributeKey: "AccessKeyId" as const, AttributeValue: key }];

beforeAll(async () => {
  moto = await startMotoServer();
});

afterAll(async () => {
  for (const client of clients.values()) client.destroy();
  await moto?.stop();
});

describe("LookupEvents in the moto shim", () => {
  it("pages through a key's events newest first, 50 at most a page, with AWS's event shape", async () => {
    const region = "eu-west-1";
    const records = Array.from({ length: 120 }, (_, i) => record(region, i + 1, { eventID: `event-${i}` }));
    await seedCloudTrailEvents(moto.endpoint, [
      ...records,
      record(region, 1, { userIdentity: { accessKeyId: OTHER_KEY, userName: "bob" } }),
    ]);

    const pages: LookupEventsCommandOutput[] = [];
    let nextToken: string | undefined;
    do {
      const page = await lookup(region, { LookupAttributes: byKey(KEY), NextToken: nextToken });
      pages.push(page);
      nextToken = page.NextToken;
    } while (nextToken);
    expect(pages.map((page) => page.Events?.length)).toEqual([50, 50, 20]);
    const events = pages.flatMap((page) => page.Events ?? []);
    expect(events.map((event) => event.EventId)).toEqual(records.map((_, i) => `event-${i}`));
    expect(events[0]).toMatchObject({
      EventId: "event-0",
      EventName: "ListBuckets",
      ReadOnly: "true",
      AccessKeyId: KEY,
      Username: "alice",
      EventSource: "s3.amazonaws.com",
      EventTime: new Date(records[0].eventTime.replace(/\.\d+Z$/, "Z")),
    });
    expect(JSON.parse(events[0].CloudTrailEvent ?? "")).toMatchObject({
      eventVersion: "1.08",
      eventID: "event-0",
      awsRegion: region,
      sourceIPAddress: "203.0.113.7",
      userAgent: "aws-cli/2.15.0 Python/3.11",
      userIdentity: { type: "IAMUser", accessKeyId: KEY, userName: "alice", accountId: "123456789012" },
      recipientAccountId: "123456789012",
      eventCategory: "Management",
    });
  });

  it("honours MaxResults, StartTime and EndTime, and keeps only 90 days", async () => {
    const region = "eu-west-2";
    await seedCloudTrailEvents(moto.endpoint, [
      record(region, 2 * 24),
      record(region, 10 * 24),
      record(region, 20 * 24),
      record(region, 91 * 24),
    ]);
    const all = await lookup(region, { LookupAttributes: byKey(KEY) });
    expect(all.Events).toHaveLength(3);
    const window = await lookup(region, {
      LookupAttributes: byKey(KEY),
      StartTime: new Date(Date.now() - 15 * DAY),
      EndTime: new Date(Date.now() - 5 * DAY),
    });
    expect(window.Events).toHaveLength(1);
    const small = await lookup(region, { LookupAttributes: byKey(KEY), MaxResults: 2 });
    expect(small.Events).toHaveLength(2);
    expect(small.NextToken).toBeDefined();
  });

  it("rejects what AWS rejects, with AWS's error names", async () => {
    const region = "eu-central-1";
    await seedCloudTrailEvents(moto.endpoint, [record(region, 1), record(region, 2)]);
    const failure = (input: LookupEventsCommandInput) =>
      lookup(region, input).then(
        () => "no error",
        (error: Error) => error.name,
      );
    expect(await failure({ MaxResults: 51 })).toBe("InvalidMaxResultsException");
    expect(
      await failure({
        LookupAttributes: [...byKey(KEY), { AttributeKey: "EventName", AttributeValue: "ListBuckets" }],
      }),
    ).toBe("InvalidLookupAttributesException");
    expect(await failure({ StartTime: new Date(), EndTime: new Date(Date.now() - DAY) })).toBe(
      "InvalidTimeRangeException",
    );
    const { NextToken } = await lookup(region, { LookupAttributes: byKey(KEY), MaxResults: 1 });
    expect(await failure({ LookupAttributes: byKey(OTHER_KEY), MaxResults: 1, NextToken })).toBe(
      "InvalidNextTokenException",
    );
  });

  it("throttles a third request within a second in one region, as ThrottlingException, and not other regions", async () => {
    await clearLookupRequests(moto.endpoint);
    // Straight to the clients: no limiter.
    const burst = await Promise.allSettled([
      ...[1, 2, 3, 4].map(() => cloudTrail("ap-south-1").send(new LookupEventsCommand({}))),
      ...[1, 2].map(() => cloudTrail("ap-northeast-1").send(new LookupEventsCommand({}))),
    ]);
    const south = burst.slice(0, 4);
    expect(south.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    for (const result of south.filter((result) => result.status === "rejected")) {
      const error = (result as PromiseRejectedResult).reason as Error & { $metadata?: { httpStatusCode?: number } };
      expect(error.name).toBe("ThrottlingException");
      expect(error.message).toBe("Rate exceeded");
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(isThrottling(error)).toBe(true);
    }
    expect(burst.slice(4).every((result) => result.status === "fulfilled")).toBe(true);

    const log = await lookupRequests(moto.endpoint);
    expect(
      log
        .filter((request) => request.region === "ap-south-1")
        .map((request) => request.throttled)
        .sort(),
    ).toEqual([false, false, true, true]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(cloudTrail("ap-south-1").send(new LookupEventsCommand({}))).resolves.toBeDefined();
  });

  it("forgets the events on moto's reset", async () => {
    const region = "sa-east-1";
    await seedCloudTrailEvents(moto.endpoint, [record(region, 1)]);
    expect((await lookup(region, { LookupAttributes: byKey(KEY) })).Events).toHaveLength(1);
    await moto.reset();
    expect((await lookup(region, { LookupAttributes: byKey(KEY) })).Events).toHaveLength(0);
    expect(await lookupRequests(moto.endpoint)).toHaveLength(1);
  });

  it("refuses a record without its required fields", async () => {
    await expect(
      seedCloudTrailEvents(moto.endpoint, [{ eventTime: new Date().toISOString() } as CloudTrailRecord]),
    ).rejects.toThrow(/HTTP 400: a CloudTrail record needs eventSource, eventName, awsRegion/);
  });
});
