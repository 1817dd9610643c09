import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyRecord } from "../../../handler/scan/inventory";
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

  it("lets a lone stricter critical-age tag win over a later global warning age", () => {
    // Global 80d/90d: before, the 30d tag was dropped and this 40-day-old key stayed ok.
    const finding = classifyUser({ "key-age:critical-age": "30d" }, activeKey(1, 40 * DAY, DAY)).findings[0];
    expect(finding.status).toBe("critical");
    expect(finding.customLimits).toEqual({ criticalAge: "30d" });
    expect(finding.tagProblems).toBeUndefined();
  });

  it("never lets a warning-age tag delay the critical alert, and says so", () => {
    const finding = classifyUser({ "key-age:warning-age": "365d" }, activeKey(1, 95 * DAY, DAY)).findings[0];
    expect(finding.status).toBe("critical");
    expect(finding.tagProblems).toEqual([expect.stringContaining("comes after the global critical age")]);
  });

  it("lists every user's tag problems, even when the user's keys are ok", () => {
    const result = classifyKeys(
      {
        users: [
          { userName: "typo", accessKeys: [activeKey(1, DAY, DAY)], tags: { "key-age:critical-age": "30 d" } },
          { userName: "fine", accessKeys: [activeKey(2, DAY, DAY)], tags: { "key-age:critical-age": "30d" } },
        ],
        reportOnlyUserTags: [{ userName: "cleared", tags: { "key-age:owner": "@channel" } }],
      },
      THRESHOLDS,
      NOW,
    );
    expect(result.flagged).toEqual([]);
    expect(result.tagProblems).toEqual([
      { userName: "cleared", problems: [expect.stringContaining('tag key-age:owner="@channel"')] },
      { userName: "typo", problems: [expect.stringContaining('tag key-age:critical-age="30 d" is ignored')] },
    ]);
  });

  it("does not honour an exemption further ahead than maxExemption, and says why", () => {
    const maxExemption = { ms: 365 * DAY, label: "365d" };
    const classify = (date: string) =>
      classifyKeys(
        {
          users: [
            { userName: "svc", accessKeys: [activeKey(1, 95 * DAY, DAY)], tags: { "key-age:exempt-until": date } },
          ],
        },
        THRESHOLDS,
        NOW,
        { maxExemption },
      );
    const forever = classify("9999-12-31");
    expect(forever.flagged.map((f) => f.status)).toEqual(["critical"]);
    expect(forever.tagProblems[0].problems).toEqual([
      expect.stringContaining("is not honoured: it is more than 365d ahead"),
    ]);
    const soon = classify("2026-01-31"); // NOW is 2025-06-01
    expect(soon.findings[0].status).toBe("exempt");
    expect(soon.tagProblems).toEqual([]);
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

  it("refuses threshold tags above MAX_TAG_AGE as tag problems: the defaults apply", () => {
    const tags = {
      "key-age:warning-age": "3650d",
      "key-age:critical-age": "3650d",
      "key-age:deactivate-age": "3650d",
    };
    const [finding] = classifyUser(tags, activeKey(1, 400 * DAY, DAY)).findings;
    expect(finding.status).toBe("critical");
    expect(finding.customLimits).toBeUndefined();
    expect(finding.deactivateAge).toBeUndefined();
    expect(finding.tagProblems).toEqual([
      'tag key-age:warning-age="3650d" is ignored: it is above 400d, the highest age a tag may set (MAX_TAG_AGE), so the default applies',
      'tag key-age:critical-age="3650d" is ignored: it is above 400d, the highest age a tag may set (MAX_TAG_AGE), so the default applies',
      'tag key-age:deactivate-age="3650d" is ignored: it is above 400d, the highest age a tag may set (MAX_TAG_AGE), so the default applies',
    ]);
    // At the ceiling a tag is honoured; a lower configured ceiling refuses it.
    const yearly = { "key-age:warning-age": "365d", "key-age:critical-age": "400d" };
    expect(classifyUser(yearly, activeKey(1, 200 * DAY, DAY)).findings[0].status).toBe("ok");
    const strict = classifyKeys(
      { users: [{ userName: "svc", accessKeys: [activeKey(1, 200 * DAY, DAY)], tags: yearly }] },
      THRESHOLDS,
      NOW,
      { maxTagAge: { ms: 180 * DAY, label: "180d" } },
    );
    expect(strict.findings[0].status).toBe("critical");
    expect(strict.tagProblems[0].problems).toHaveLength(2);
  });
});
