import { formatUsageLine } from "../../../handler/usage/format-usage-line";
import type { UsageSummary } from "../../../handler/usage/summarize-usage";

const TO = new Date("2026-06-01T12:00:00Z");

function summary(overrides: Partial<UsageSummary> = {}): UsageSummary {
  return {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    user: "alice",
    from: new Date(TO.getTime() - 90 * 86_400_000),
    to: TO,
    regionsChecked: ["eu-west-1", "us-east-1"],
    regionErrors: [],
    events: 1234,
    services: [
      { service: "s3", calls: 812 },
      { service: "ec2", calls: 300 },
      { service: "sts", calls: 100 },
      { service: "iam", calls: 22 },
    ],
    actions: [{ action: "s3:ListBuckets", calls: 812 }],
    sourceIps: [
      { ip: "203.0.113.7", calls: 1000 },
      { ip: "198.51.100.2", calls: 200 },
      { ip: "192.0.2.1", calls: 34 },
    ],
    userAgents: [
      { agent: "Terraform", calls: 1100 },
      { agent: "aws-cli", calls: 134 },
    ],
    regions: [{ region: "us-east-1", calls: 1234 }],
    firstSeen: new Date("2026-03-05T08:00:00Z"),
    lastSeen: new Date("2026-06-01T09:12:30Z"),
    caveats: [],
    ...overrides,
  };
}

describe("formatUsageLine", () => {
  it("says how much, when last, which services, from where and with what, on one line", () => {
    const line = formatUsageLine(summary());
    expect(line).toBe(
      "1,234 calls in the last 90 days, last 2026-06-01 09:12 UTC: s3 812, ec2 300, sts 100 and 1 more service" +
        " · from 203.0.113.7, 198.51.100.2 and 1 more IP · with Terraform, aws-cli",
    );
    expect(line).not.toContain("\n");
  });

  it("says plainly when the key made no calls, and where it looked", () => {
    expect(
      formatUsageLine(
        summary({ events: 0, services: [], sourceIps: [], userAgents: [], firstSeen: null, lastSeen: null }),
      ),
    ).toBe("No calls in the last 90 days (CloudTrail management events, 2 regions).");
  });

  it("says when the answer is incomplete", () => {
    const failed = summary({ regionErrors: [{ region: "eu-south-2", error: "AccessDenied" }] });
    expect(formatUsageLine(failed)).toMatch(/ \(incomplete: 1 region could not be read\)$/);
    expect(formatUsageLine({ ...failed, events: 0 })).toBe(
      "No calls in the last 90 days (CloudTrail management events, 2 regions) (incomplete: 1 region could not be read).",
    );
  });

  it("uses the singular for one call in one day", () => {
    const one = summary({
      from: new Date(TO.getTime() - 86_400_000),
      events: 1,
      services: [{ service: "sts", calls: 1 }],
      sourceIps: [{ ip: "203.0.113.7", calls: 1 }],
      userAgents: [{ agent: "Boto3", calls: 1 }],
    });
    expect(formatUsageLine(one)).toBe(
      "1 call in the last day, last 2026-06-01 09:12 UTC: sts 1 · from 203.0.113.7 · with Boto3",
    );
  });
});
