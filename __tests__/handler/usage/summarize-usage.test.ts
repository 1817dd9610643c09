import type { KeyEvent } from "../../../handler/usage/key-event";
import { UsageTally, summarizeUsage, usageCaveats, windowDays } from "../../../handler/usage/summarize-usage";

const TO = new Date("2026-06-01T12:00:00Z");
const FROM = new Date(TO.getTime() - 90 * 86_400_000);

function event(overrides: Partial<KeyEvent> = {}): KeyEvent {
  return {
    time: new Date("2026-05-01T00:00:00Z"),
    service: "s3",
    action: "s3:ListBuckets",
    region: "us-east-1",
    sourceIp: "203.0.113.7",
    userAgent: "aws-cli/2.15.0 Python/3.11",
    ...overrides,
  };
}

const context = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", user: "alice", from: FROM, to: TO };

describe("UsageTally and summarizeUsage", () => {
  it("counts every event across pages into each dimension, most calls first, ties by name", () => {
    const tally = new UsageTally();
    tally.add([
      event(),
      event({ time: new Date("2026-03-10T08:00:00Z") }),
      event({ service: "ec2", action: "ec2:DescribeInstances", region: "eu-west-1", userAgent: "Boto3/1.34.0" }),
    ]);
    tally.add([
      event({
        time: new Date("2026-05-30T23:59:00Z"),
        service: "sts",
        action: "sts:GetCallerIdentity",
        sourceIp: "198.51.100.2",
        userAgent: "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 terraform-provider-aws/5.100.0",
      }),
    ]);
    expect(tally.events).toBe(4);
    const summary = summarizeUsage(tally, { ...context, regionsChecked: ["us-east-1", "eu-west-1"] });
    expect(summary).toMatchObject({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      user: "alice",
      events: 4,
      services: [
        { service: "s3", calls: 2 },
        { service: "ec2", calls: 1 },
        { service: "sts", calls: 1 },
      ],
      actions: [
        { action: "s3:ListBuckets", calls: 2 },
        { action: "ec2:DescribeInstances", calls: 1 },
        { action: "sts:GetCallerIdentity", calls: 1 },
      ],
      sourceIps: [
        { ip: "203.0.113.7", calls: 3 },
        { ip: "198.51.100.2", calls: 1 },
      ],
      userAgents: [
        { agent: "aws-cli", calls: 2 },
        { agent: "Boto3", calls: 1 },
        { agent: "Terraform", calls: 1 },
      ],
      regions: [
        { region: "us-east-1", calls: 3 },
        { region: "eu-west-1", calls: 1 },
      ],
      firstSeen: new Date("2026-03-10T08:00:00Z"),
      lastSeen: new Date("2026-05-30T23:59:00Z"),
      regionsChecked: ["eu-west-1", "us-east-1"],
      regionErrors: [],
    });
  });

  it("has no first or last seen without events, and skips events without a valid time for them", () => {
    const empty = summarizeUsage(new UsageTally(), { ...context, regionsChecked: ["us-east-1"] });
    expect(empty).toMatchObject({ events: 0, services: [], firstSeen: null, lastSeen: null });
    const tally = new UsageTally();
    tally.add([event({ time: new Date(Number.NaN) })]);
    expect(summarizeUsage(tally, { ...context, regionsChecked: ["us-east-1"] })).toMatchObject({
      events: 1,
      firstSeen: null,
      lastSeen: null,
    });
  });

  it("states its caveats with every summary", () => {
    const summary = summarizeUsage(new UsageTally(), { ...context, regionsChecked: ["us-east-1"] });
    expect(summary.caveats).toEqual(usageCaveats({ ...context, regionsChecked: ["us-east-1"] }));
    expect(summary.caveats).toHaveLength(3);
  });
});

describe("usageCaveats", () => {
  it("states management events only, the window and the regions checked", () => {
    const caveats = usageCaveats({ ...context, regionsChecked: ["us-east-1", "eu-west-1"] });
    expect(caveats[0]).toMatch(/^Management events only: .*no data events/);
    expect(caveats[1]).toBe(
      "Window: 2026-03-03 12:00 UTC to 2026-06-01 12:00 UTC (90 days); the event history keeps 90 days, " +
        "and a call reaches it about 5 minutes after it is made.",
    );
    expect(caveats[2]).toBe("Regions checked: 2 (eu-west-1, us-east-1); calls in other regions are not counted.");
  });

  it("warns that global services' calls are missing without us-east-1", () => {
    const caveats = usageCaveats({ ...context, regionsChecked: ["eu-west-1"] });
    expect(caveats).toContainEqual(expect.stringMatching(/^us-east-1 was not checked: calls to global services \(IAM/));
  });

  it("names failed regions and an unknown user", () => {
    const caveats = usageCaveats({
      ...context,
      user: null,
      userProblem: { code: "NoSuchEntity" },
      regionsChecked: ["us-east-1"],
      regionErrors: [{ region: "eu-south-2", error: "AccessDeniedException: denied by SCP" }],
    });
    expect(caveats).toContain("Incomplete: the lookup failed in 1 region (eu-south-2); their calls are not counted.");
    expect(caveats).toContain(
      "The key's user is unknown: iam:GetAccessKeyLastUsed answered NoSuchEntity (no IAM user of this account has this key).",
    );
  });

  it("says 1 day for a one-day window", () => {
    const from = new Date(TO.getTime() - 86_400_000);
    expect(windowDays(from, TO)).toBe(1);
    expect(usageCaveats({ ...context, from, regionsChecked: ["us-east-1"] })[1]).toContain("(1 day)");
  });
});
