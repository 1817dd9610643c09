import { buildJsonReport, renderJsonReport } from "../../cli/json-report";
import { classifyKeys } from "../../handler/scan/classify";
import { NOW, keyId } from "../handler/support/inventory-builders";
import { MIXED_INVENTORY, THRESHOLDS, mixedReport } from "./support/scan-report-builders";

describe("buildJsonReport", () => {
  it("has one entry per key, masked, most severe first, with age and last use", () => {
    const json = buildJsonReport(mixedReport());
    expect(json.keys.map((key) => [key.user, key.status])).toEqual([
      ["alice", "critical"],
      ["bob", "warning"],
      ["carol", "unused"],
      ["erin", "exempt"],
      ["dave", "ok"],
      ["carol", "inactive"],
    ]);
    expect(json.keys[0]).toEqual({
      user: "alice",
      accessKeyId: "AKIA…0001",
      status: "critical",
      state: "Active",
      createdAt: "2025-02-26T12:00:00.000Z",
      ageDays: 95,
      lastUsed: "2025-05-30T12:00:00.000Z",
      lastUsedService: "s3",
      idleDays: 2,
      remediation: expect.stringContaining("create a second key, move the consumers to it, deactivate the old key"),
    });
    expect(json.keys.find((key) => key.status === "ok")?.remediation).toBeNull();
    expect(json.keys[1]).toMatchObject({
      user: "bob",
      ageDays: 85,
      lastUsed: null,
      lastUsedService: null,
      idleDays: 85,
    });
    expect(json.keys[3]).toMatchObject({ user: "erin", exemptUntil: "2025-12-31" });
    expect(JSON.stringify(json)).not.toContain(keyId(1));
  });

  it("reports the run: account, time, thresholds and counts for every status", () => {
    const json = buildJsonReport(mixedReport({ forecast: true, missingWatchedUsers: ["ghost"] }), {
      failOn: { level: "warning", met: true, keys: 2 },
    });
    expect(json).toMatchObject({
      schemaVersion: 1,
      accountId: "123456789012",
      environment: "prod",
      evaluatedAt: NOW.toISOString(),
      forecast: true,
      thresholds: { warningAge: "80d", criticalAge: "90d", unusedAge: "45d" },
      strategy: "api",
      usersScanned: 6,
      counts: { critical: 1, warning: 1, unused: 1, exempt: 1, ok: 1, inactive: 1 },
      missingWatchedUsers: ["ghost"],
      skippedUsers: [],
      unlistedKeys: 0,
      failOn: { level: "warning", met: true, keys: 2 },
    });
    expect(json).not.toHaveProperty("notification");
  });

  it("counts keys a credential report cleared without listing them", () => {
    const classification = classifyKeys(
      {
        ...MIXED_INVENTORY,
        reportOnly: { users: 3, activeKeys: 4, inactiveKeys: 1, generatedAt: new Date("2025-06-01T08:00:00Z") },
      },
      THRESHOLDS,
      NOW,
    );
    const json = buildJsonReport(mixedReport({ classification }));
    expect(json.keys).toHaveLength(6);
    expect(json.unlistedKeys).toBe(5);
    expect(json.counts).toMatchObject({ ok: 5, inactive: 2 });
    expect(json.reportGeneratedAt).toBe("2025-06-01T08:00:00.000Z");
  });

  it("never reports a negative age for a key created after --as-of", () => {
    const yearBefore = new Date(NOW.getTime() - 365 * 86_400_000);
    const classification = classifyKeys(MIXED_INVENTORY, THRESHOLDS, yearBefore);
    const json = buildJsonReport(mixedReport({ classification, evaluatedAt: yearBefore }));
    expect(json.keys.every((key) => key.ageDays === 0 && key.idleDays === 0)).toBe(true);
  });
});

describe("renderJsonReport", () => {
  it("prints exactly one JSON object", () => {
    const text = renderJsonReport(mixedReport(), { notification: { outcome: "alerted", messagesPosted: 1 } });
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ notification: { outcome: "alerted", messagesPosted: 1 } });
  });
});

describe("buildJsonReport: the root key and tag problems", () => {
  it("lists the root key under <root>, with null age when only its existence is known", () => {
    const classification = classifyKeys({ users: [], rootAccessKey: {} }, THRESHOLDS, NOW);
    const json = buildJsonReport(mixedReport({ classification }));
    expect(json.keys).toEqual([
      {
        user: "<root>",
        accessKeyId: "ROOT-ACCESS-KEY",
        status: "critical",
        state: "Active",
        createdAt: null,
        ageDays: null,
        lastUsed: null,
        lastUsedService: null,
        idleDays: null,
        remediation: "The root user has an active access key; delete it.",
      },
    ]);
  });

  it("lists every user's tag problems, even when the user's keys are ok", () => {
    const classification = classifyKeys(
      { users: [{ userName: "svc", accessKeys: [], tags: { "key-age:critical-age": "30 d" } }] },
      THRESHOLDS,
      NOW,
    );
    expect(buildJsonReport(mixedReport({ classification })).tagProblems).toEqual([
      { user: "svc", problems: [expect.stringContaining('tag key-age:critical-age="30 d" is ignored')] },
    ]);
  });
});
