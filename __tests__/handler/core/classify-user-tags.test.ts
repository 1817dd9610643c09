import { classifyKeys, type Thresholds } from "../../../handler/core/classify";
import type { AccessKeyRecord } from "../../../handler/core/inventory";
import { DAY, NOW, activeKey } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

const classifyUser = (tags: Record<string, string> | undefined, ...keys: AccessKeyRecord[]) =>
  classifyKeys({ users: [{ userName: "svc", accessKeys: keys, ...(tags ? { tags } : {}) }] }, THRESHOLDS, NOW);

describe("classifyKeys with user tags", () => {
  it("exempts keys that would be alerted until the tag's date, and alerts them normally from that date", () => {
    const tags = { "key-age:exempt-until": "2025-06-02" }; // NOW is 2025-06-01T12:00Z
    const exempt = classifyUser(tags, activeKey(1, 95 * DAY, DAY), activeKey(2, DAY, DAY), {
      ...activeKey(3, 95 * DAY),
      state: "Inactive",
    });
    expect(exempt.findings.map((f) => [f.status, f.exemptUntil])).toEqual([
      ["exempt", "2025-06-02"],
      ["ok", undefined],
      ["inactive", undefined],
    ]);
    expect(exempt.flagged).toEqual([]);
    expect(exempt.counts).toMatchObject({ exempt: 1, critical: 0 });

    const expired = classifyUser({ "key-age:exempt-until": "2025-06-01" }, activeKey(1, 95 * DAY, DAY));
    expect(expired.flagged.map((f) => f.status)).toEqual(["critical"]);
  });

  it("alerts a key whose exemption date is malformed and carries the problem to the message", () => {
    const result = classifyUser({ "key-age:exempt-until": "2099-31-12" }, activeKey(1, 95 * DAY, DAY));
    expect(result.flagged).toHaveLength(1);
    expect(result.flagged[0].tagProblems).toEqual([
      'tag key-age:exempt-until="2099-31-12" is not a date (YYYY-MM-DD), so the key is not exempt',
    ]);
  });

  it("applies per-user ages: a machine user allowed a year", () => {
    const tags = { "key-age:warning-age": "365d", "key-age:critical-age": "400d" };
    expect(classifyUser(tags, activeKey(1, 95 * DAY, DAY)).findings[0]).toMatchObject({
      status: "ok",
      customLimits: { warningAge: "365d", criticalAge: "400d" },
    });
    expect(classifyUser(tags, activeKey(1, 370 * DAY, DAY)).findings[0].status).toBe("warning");
    expect(classifyUser(tags, activeKey(1, 401 * DAY, DAY)).findings[0].status).toBe("critical");
    // Stricter limits work too.
    expect(
      classifyUser({ "key-age:critical-age": "30d", "key-age:warning-age": "20d" }, activeKey(1, 31 * DAY, DAY))
        .findings[0].status,
    ).toBe("critical");
  });

  it("falls back to the global ages when the tags contradict them, and says so", () => {
    const finding = classifyUser({ "key-age:warning-age": "365d" }, activeKey(1, 95 * DAY, DAY)).findings[0];
    expect(finding.status).toBe("critical");
    expect(finding.customLimits).toBeUndefined();
    expect(finding.tagProblems).toEqual([
      expect.stringContaining("are ignored: the warning age must not exceed the critical age"),
    ]);
  });

  it("puts the owners' mentions on every finding of the user", () => {
    const result = classifyUser(
      { "key-age:owner": "U012AB3CD S0PLATFORM" },
      activeKey(1, 95 * DAY, DAY),
      activeKey(2, DAY, DAY),
    );
    expect(result.findings.map((f) => f.owners)).toEqual([
      ["<@U012AB3CD>", "<!subteam^S0PLATFORM>"],
      ["<@U012AB3CD>", "<!subteam^S0PLATFORM>"],
    ]);
  });
});
