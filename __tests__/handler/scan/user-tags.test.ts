import {
  exemptionBeyondHorizon,
  parseUserTags,
  slackMention,
  userThresholds,
  USER_TAG_KEYS,
} from "../../../handler/scan/user-tags";
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
      ageLabels: { warningAge: "365d", criticalAge: "400d" },
      problems: [],
    });
    const bad = parseUserTags({ "key-age:warning-age": "1 year", "key-age:critical-age": "400d" });
    expect(bad.warningAgeMs).toBeUndefined();
    expect(bad.criticalAgeMs).toBe(400 * DAY);
    expect(bad.problems).toEqual([
      expect.stringMatching(/^tag key-age:warning-age="1 year" is ignored: expected a whole number/),
    ]);
    expect(parseUserTags({ "key-age:critical-age": "30 d" }).problems).toEqual([
      expect.stringMatching(/^tag key-age:critical-age="30 d" is ignored: expected a whole number/),
    ]);
  });

  // A hostile tag listing dozens of addresses must not starve a run of Slack's rate limits.
  it("keeps the first MAX_OWNERS_PER_KEY owners, mentions and addresses alike, and names the rest a tag problem", () => {
    const many = Array.from({ length: 30 }, (_, i) => `o${i}@example.com`);
    const settings = parseUserTags({ "key-age:owner": ["U0AAA", ...many].join(" ") });
    expect(settings.owners).toEqual(["<@U0AAA>"]);
    expect(settings.ownerEmails).toEqual(many.slice(0, 4));
    expect(settings.problems).toEqual([expect.stringContaining("names 31 owners, more than 5 (MAX_OWNERS_PER_KEY)")]);
    const two = parseUserTags({ "key-age:owner": "a@example.com b@example.com c@example.com" }, { maxOwners: 2 });
    expect(two.ownerEmails).toEqual(["a@example.com", "b@example.com"]);
    expect(parseUserTags({ "key-age:owner": "a@example.com A@example.com" }).problems).toEqual([]);
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

  const tagged = (tags: Record<string, string>) => userThresholds(GLOBAL, parseUserTags(tags));

  it("replaces the warning and critical ages, not the unused age, and shows them as written", () => {
    expect(tagged({ "key-age:warning-age": "365d", "key-age:critical-age": "400d" })).toEqual({
      thresholds: { warningAgeMs: 365 * DAY, criticalAgeMs: 400 * DAY, unusedAgeMs: 45 * DAY },
      customLabels: { warningAge: "365d", criticalAge: "400d" },
    });
    expect(tagged({ "key-age:critical-age": "180d" }).thresholds.criticalAgeMs).toBe(180 * DAY);
    expect(tagged({ "key-age:warning-age": "36h", "key-age:critical-age": "90m" }).customLabels).toEqual({
      warningAge: "36h",
      criticalAge: "90m",
    });
  });

  it("lets a lone stricter critical age win: the warning comes no later than it", () => {
    const result = tagged({ "key-age:critical-age": "30d" });
    expect(result.thresholds).toEqual({ warningAgeMs: 30 * DAY, criticalAgeMs: 30 * DAY, unusedAgeMs: 45 * DAY });
    expect(result.customLabels).toEqual({ criticalAge: "30d" });
    expect(result.problem).toBeUndefined();
  });

  it("never lets a warning tag delay the critical alert, and names only the tags the user set", () => {
    const lone = tagged({ "key-age:warning-age": "365d" });
    expect(lone.thresholds).toEqual({ ...GLOBAL, warningAgeMs: 90 * DAY });
    expect(lone.problem).toBe(
      "tag key-age:warning-age (365d) comes after the global critical age: the key is critical before it could warn; set key-age:critical-age as well to move both",
    );
    const both = tagged({ "key-age:warning-age": "60d", "key-age:critical-age": "30d" });
    expect(both.thresholds).toEqual({ ...GLOBAL, warningAgeMs: 30 * DAY, criticalAgeMs: 30 * DAY });
    expect(both.problem).toMatch(/^tag key-age:warning-age \(60d\) comes after tag key-age:critical-age \(30d\)/);
  });
});

describe("exemptionBeyondHorizon", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  const horizon = { ms: 365 * DAY, label: "365d" };

  it("honours a date within the horizon and not one beyond it, saying why", () => {
    expect(
      exemptionBeyondHorizon(parseUserTags({ "key-age:exempt-until": "2026-05-31" }), now, horizon),
    ).toBeUndefined();
    expect(exemptionBeyondHorizon(parseUserTags({ "key-age:exempt-until": "9999-12-31" }), now, horizon)).toBe(
      'tag key-age:exempt-until="9999-12-31" is not honoured: it is more than 365d ahead (the longest exemption allowed, MAX_EXEMPTION), so the key is alerted as if not exempt',
    );
  });
});
