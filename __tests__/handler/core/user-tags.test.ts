import { parseUserTags, slackMention, userThresholds, USER_TAG_KEYS } from "../../../handler/core/user-tags";
import { DAY } from "../support/inventory-builders";

const GLOBAL = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

describe("parseUserTags", () => {
  it("reads nothing from no tags or unrelated tags", () => {
    expect(parseUserTags(undefined)).toEqual({ problems: [] });
    expect(parseUserTags({ team: "platform", "key-age:other": "x" })).toEqual({ problems: [] });
  });

  it("reads an exemption date as 00:00 UTC of that day", () => {
    expect(parseUserTags({ "key-age:exempt-until": "2025-09-30" })).toEqual({
      exemptUntil: new Date("2025-09-30T00:00:00.000Z"),
      exemptUntilLabel: "2025-09-30",
      problems: [],
    });
  });

  it.each(["2025-13-01", "2025-02-30", "30.09.2025", "2025-9-30", "tomorrow", ""])(
    "treats the malformed date %j as no exemption and says so",
    (value) => {
      const settings = parseUserTags({ "key-age:exempt-until": value });
      expect(settings.exemptUntil).toBeUndefined();
      expect(settings.problems).toEqual([
        `tag key-age:exempt-until=${JSON.stringify(value)} is not a date (YYYY-MM-DD), so the key is not exempt`,
      ]);
    },
  );

  it("reads per-user ages as durations and reports the malformed one", () => {
    expect(parseUserTags({ "key-age:warning-age": "365d", "key-age:critical-age": "400d" })).toEqual({
      warningAgeMs: 365 * DAY,
      criticalAgeMs: 400 * DAY,
      problems: [],
    });
    const bad = parseUserTags({ "key-age:warning-age": "1 year", "key-age:critical-age": "400d" });
    expect(bad.warningAgeMs).toBeUndefined();
    expect(bad.criticalAgeMs).toBe(400 * DAY);
    expect(bad.problems).toEqual([
      expect.stringMatching(/^tag key-age:warning-age="1 year" is ignored: expected a whole number/),
    ]);
  });

  it("renders members and user groups as Slack mentions", () => {
    expect(parseUserTags({ "key-age:owner": "U012AB3CD" }).owners).toEqual(["<@U012AB3CD>"]);
    expect(parseUserTags({ "key-age:owner": "W0ENTERPRISE" }).owners).toEqual(["<@W0ENTERPRISE>"]);
    expect(parseUserTags({ "key-age:owner": "S0PLATFORM" }).owners).toEqual(["<!subteam^S0PLATFORM>"]);
    expect(parseUserTags({ "key-age:owner": " U012AB3CD  S0PLATFORM U012AB3CD " })).toEqual({
      owners: ["<@U012AB3CD>", "<!subteam^S0PLATFORM>"],
      problems: [],
    });
  });

  it("never turns an owner value into arbitrary markup", () => {
    for (const value of ["@channel", "<!channel>", "u012ab3cd", "<mailto:a@b.c|x>", "U1", "C0CHANNEL"]) {
      const settings = parseUserTags({ "key-age:owner": value });
      expect(settings.owners).toBeUndefined();
      expect(settings.problems[0]).toMatch(
        /^tag key-age:owner=.* is not a Slack member ID \(U…, W…\), user-group ID \(S…\) or email address$/,
      );
    }
    const mixed = parseUserTags({ "key-age:owner": "U012AB3CD bob" });
    expect(mixed.owners).toEqual(["<@U012AB3CD>"]);
    expect(mixed.problems).toEqual([
      'tag key-age:owner="U012AB3CD bob": "bob" is not a Slack member ID (U…, W…), user-group ID (S…) or email address',
    ]);
  });

  it("reads owner email addresses, lowercased, for the Slack app's direct messages", () => {
    const settings = parseUserTags({ "key-age:owner": "Alice@Example.com U012AB3CD alice@example.com" });
    expect(settings).toEqual({ owners: ["<@U012AB3CD>"], ownerEmails: ["alice@example.com"], problems: [] });
  });

  it("matches tag keys case-insensitively, as IAM does, and quotes long values shortened", () => {
    expect(parseUserTags({ "Key-Age:Owner": "U012AB3CD" }).owners).toEqual(["<@U012AB3CD>"]);
    const long = parseUserTags({ [USER_TAG_KEYS.exemptUntil]: "x".repeat(200) });
    expect(long.problems[0]).toContain(`"${"x".repeat(39)}…"`);
    expect(long.problems[0].length).toBeLessThanOrEqual(120);
  });
});

describe("slackMention", () => {
  it("accepts only member and group IDs", () => {
    expect(slackMention("U0123")).toBe("<@U0123>");
    expect(slackMention("S0123")).toBe("<!subteam^S0123>");
    expect(slackMention("here")).toBeUndefined();
  });
});

describe("userThresholds", () => {
  it("keeps the global limits without age tags", () => {
    expect(userThresholds(GLOBAL, { problems: [] })).toEqual({ thresholds: GLOBAL });
  });

  it("replaces the warning and critical ages, not the unused age", () => {
    expect(userThresholds(GLOBAL, { warningAgeMs: 365 * DAY, criticalAgeMs: 400 * DAY, problems: [] })).toEqual({
      thresholds: { warningAgeMs: 365 * DAY, criticalAgeMs: 400 * DAY, unusedAgeMs: 45 * DAY },
      customLabels: { warningAge: "365d", criticalAge: "400d" },
    });
    expect(userThresholds(GLOBAL, { criticalAgeMs: 180 * DAY, problems: [] }).thresholds.criticalAgeMs).toBe(180 * DAY);
  });

  it("ignores ages that put the warning after the critical age and says why", () => {
    const result = userThresholds(GLOBAL, { warningAgeMs: 365 * DAY, problems: [] });
    expect(result.thresholds).toEqual(GLOBAL);
    expect(result.problem).toBe(
      "tags key-age:warning-age (365d) and key-age:critical-age (90d) are ignored: the warning age must not exceed the critical age",
    );
  });
});
