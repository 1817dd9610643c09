import { renderUsageReport, usageJson, USAGE_TABLE_ROWS } from "../../cli/render-usage";
import type { UsageSummary } from "../../handler/usage/summarize-usage";

const TO = new Date("2026-06-01T12:00:00Z");

const SUMMARY: UsageSummary = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  user: "alice",
  from: new Date(TO.getTime() - 30 * 86_400_000),
  to: TO,
  regionsChecked: ["eu-west-1", "us-east-1"],
  regionErrors: [],
  events: 1300,
  services: [
    { service: "s3", calls: 1200 },
    { service: "sts", calls: 100 },
  ],
  actions: Array.from({ length: USAGE_TABLE_ROWS + 2 }, (_, i) => ({ action: `s3:Action${i}`, calls: 100 })),
  sourceIps: [{ ip: "203.0.113.7", calls: 1300 }],
  userAgents: [{ agent: "Terraform", calls: 1300 }],
  regions: [{ region: "us-east-1", calls: 1300 }],
  firstSeen: new Date("2026-05-03T08:00:00Z"),
  lastSeen: new Date("2026-06-01T09:12:00Z"),
  caveats: ["Management events only: …", "Window: …"],
};

describe("usageJson", () => {
  it("has the documented fields, the key masked and times in ISO 8601", () => {
    expect(usageJson(SUMMARY)).toEqual({
      accessKeyId: "AKIA…MPLE",
      user: "alice",
      from: "2026-05-02T12:00:00.000Z",
      to: "2026-06-01T12:00:00.000Z",
      days: 30,
      regionsChecked: ["eu-west-1", "us-east-1"],
      regionErrors: [],
      events: 1300,
      services: SUMMARY.services,
      actions: SUMMARY.actions,
      sourceIps: SUMMARY.sourceIps,
      userAgents: SUMMARY.userAgents,
      regions: SUMMARY.regions,
      firstSeen: "2026-05-03T08:00:00.000Z",
      lastSeen: "2026-06-01T09:12:00.000Z",
      caveats: SUMMARY.caveats,
    });
  });

  it("has null first and last seen without events", () => {
    expect(usageJson({ ...SUMMARY, events: 0, firstSeen: null, lastSeen: null })).toMatchObject({
      firstSeen: null,
      lastSeen: null,
    });
  });
});

describe("renderUsageReport", () => {
  const report = renderUsageReport(SUMMARY);

  it("leads with the key (masked), its user, the window and the totals", () => {
    expect(report.split("\n").slice(0, 3)).toEqual([
      "Access key AKIA…MPLE · user alice",
      "2026-05-02 12:00 UTC to 2026-06-01 12:00 UTC (30 days) · 2 regions checked",
      "1,300 calls · first 2026-05-03 08:00 UTC · last 2026-06-01 09:12 UTC",
    ]);
    expect(report).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("prints aligned tables and cuts long ones, pointing at --json", () => {
    expect(report).toContain("  SERVICE  CALLS\n  s3       1,200\n  sts        100\n");
    expect(report).toContain("  s3:Action9    100\n  … and 2 more (--json lists all)\n");
    expect(report).not.toContain("s3:Action10 ");
    expect(report).toContain("  USER AGENT  CALLS\n  Terraform   1,300\n");
  });

  it("ends with the caveats", () => {
    expect(report.endsWith("Caveats:\n- Management events only: …\n- Window: …\n")).toBe(true);
  });

  it("says so when there are no calls, the user is unknown or a region failed", () => {
    const quiet = renderUsageReport({
      ...SUMMARY,
      user: null,
      events: 0,
      services: [],
      actions: [],
      sourceIps: [],
      userAgents: [],
      regions: [],
      firstSeen: null,
      lastSeen: null,
      regionErrors: [{ region: "eu-south-2", error: "AccessDeniedException: no" }],
    });
    expect(quiet).toContain("Access key AKIA…MPLE · user unknown\n");
    expect(quiet).toContain("\nNo calls found.\n");
    expect(quiet).toContain("Not read: eu-south-2: AccessDeniedException: no\n");
    expect(quiet).not.toContain("SERVICE");
  });
});
