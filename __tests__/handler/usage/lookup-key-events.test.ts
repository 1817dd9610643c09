import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from "@aws-sdk/client-cloudtrail";
import { mockClient } from "aws-sdk-client-mock";
import type { KeyEvent } from "../../../handler/usage/key-event";
import { type LookupProgress, lookupKeyEvents } from "../../../handler/usage/lookup-key-events";

// The edge's control flow with the SDK mocked: pages, retries and per-region failures. The rate
// limit itself is proven against the moto shim (__tests__/cli/integration/key-usage.test.ts).
const FAST_BACKOFF = {
  maxAttempts: 3,
  maxTransientAttempts: 2,
  throttlingBaseMs: 1,
  transientBaseMs: 1,
  maxDelayMs: 5,
};
const NO_LIMIT = () => ({ run: <T>(request: () => Promise<T>) => request(), waitedMs: 0 });

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function event(id: string) {
  return {
    EventId: id,
    EventName: "ListBuckets",
    EventSource: "s3.amazonaws.com",
    EventTime: new Date("2026-05-01T00:00:00Z"),
    CloudTrailEvent: JSON.stringify({ sourceIPAddress: "203.0.113.7", userAgent: "aws-cli/2" }),
  };
}

describe("lookupKeyEvents", () => {
  const cloudTrail = mockClient(CloudTrailClient);
  afterEach(() => cloudTrail.reset());
  afterAll(() => cloudTrail.restore());

  async function run(regions: string[]) {
    const received: { region: string; events: readonly KeyEvent[] }[] = [];
    const progress: LookupProgress[] = [];
    const result = await lookupKeyEvents({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      regions,
      from: new Date("2026-03-01T00:00:00Z"),
      to: new Date("2026-06-01T00:00:00Z"),
      onEvents: (events, region) => received.push({ region, events }),
      onProgress: (next) => progress.push(next),
      clientConfig: { credentials: { accessKeyId: "a", secretAccessKey: "b" } },
      backoff: FAST_BACKOFF,
      limiterFor: NO_LIMIT,
    });
    return { result, received, progress };
  }

  it("asks by AccessKeyId over the window, 50 a page, and follows NextToken to the end", async () => {
    cloudTrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [event("1"), event("2")], NextToken: "t1" })
      .resolvesOnce({ Events: [event("3")], NextToken: "t2" })
      .resolvesOnce({ Events: [] });
    const { result, received } = await run(["eu-west-1"]);
    const inputs = cloudTrail
      .commandCalls(LookupEventsCommand)
      .map((call) => call.args[0].input as LookupEventsCommandInput);
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, "t1", "t2"]);
    expect(inputs[0]).toEqual({
      LookupAttributes: [{ AttributeKey: "AccessKeyId", AttributeValue: "AKIAIOSFODNN7EXAMPLE" }],
      StartTime: new Date("2026-03-01T00:00:00Z"),
      EndTime: new Date("2026-06-01T00:00:00Z"),
      MaxResults: 50,
    });
    expect(received.map((page) => page.events.length)).toEqual([2, 1, 0]);
    expect(received[0].events[0]).toMatchObject({
      action: "s3:ListBuckets",
      region: "eu-west-1",
      sourceIp: "203.0.113.7",
    });
    expect(result).toMatchObject({
      regionsChecked: ["eu-west-1"],
      regionErrors: [],
      progress: { regionsTotal: 1, regionsDone: 1, events: 3, requests: 3, throttled: 0 },
    });
  });

  it("retries a throttled or failed page and counts the throttles", async () => {
    cloudTrail
      .on(LookupEventsCommand)
      .rejectsOnce(sdkError("ThrottlingException", 400))
      .rejectsOnce(sdkError("InternalFailure", 500))
      .resolvesOnce({ Events: [event("1")] });
    const { result } = await run(["us-east-1"]);
    expect(result).toMatchObject({
      regionsChecked: ["us-east-1"],
      progress: { events: 1, requests: 3, throttled: 1 },
    });
  });

  it("reports a region that keeps failing and reads the others", async () => {
    cloudTrail.on(LookupEventsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === "eu-south-2") throw sdkError("AccessDeniedException", 400);
      if (region === "ap-south-1") throw sdkError("ThrottlingException", 400);
      return { Events: [event(region)] };
    });
    const { result, progress } = await run(["eu-south-2", "us-east-1", "ap-south-1"]);
    expect(result.regionsChecked).toEqual(["us-east-1"]);
    expect([...result.regionErrors].sort((a, b) => a.region.localeCompare(b.region))).toEqual([
      { region: "ap-south-1", error: "ThrottlingException: ThrottlingException" },
      { region: "eu-south-2", error: "AccessDeniedException: AccessDeniedException" },
    ]);
    // The access denial is not retried; the throttling is, up to maxAttempts.
    expect(result.progress).toMatchObject({ regionsDone: 3, events: 1, requests: 1 + 1 + 3, throttled: 3 });
    expect(progress.at(-1)).toEqual(result.progress);
  });
});
