import { classifyKey, classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { DAY, MINUTE, NOW, activeKey, inventoryOf, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

describe("classifyKey", () => {
  it.each([
    ["critical exactly at CRITICAL_AGE", 90 * DAY, 0, "critical"],
    ["warning 1 ms before CRITICAL_AGE", 90 * DAY - 1, 0, "warning"],
    ["warning exactly at WARNING_AGE", 80 * DAY, 0, "warning"],
    ["ok 1 ms before WARNING_AGE, recently used", 80 * DAY - 1, 1 * DAY, "ok"],
    ["unused exactly UNUSED_AGE after last use", 50 * DAY, 45 * DAY, "unused"],
    ["ok 1 ms before UNUSED_AGE after last use", 50 * DAY, 45 * DAY - 1, "ok"],
    ["critical even when unused (age beats disuse)", 100 * DAY, 60 * DAY, "critical"],
    ["warning even when unused", 85 * DAY, 60 * DAY, "warning"],
  ])("%s", (_name, ageMs, lastUsedMs, expected) => {
    expect(classifyKey(activeKey(1, ageMs, lastUsedMs), THRESHOLDS, NOW)).toBe(expected);
  });

  it("flags a never-used key exactly UNUSED_AGE after creation", () => {
    expect(classifyKey(activeKey(1, 45 * DAY), THRESHOLDS, NOW)).toBe("unused");
    expect(classifyKey(activeKey(1, 45 * DAY - 1), THRESHOLDS, NOW)).toBe("ok");
  });

  it("never alerts on an inactive key, whatever its age", () => {
    expect(classifyKey({ ...activeKey(1, 400 * DAY), state: "Inactive" }, THRESHOLDS, NOW)).toBe("inactive");
  });

  it("treats 0m thresholds as reached immediately", () => {
    const zero: Thresholds = { warningAgeMs: 0, criticalAgeMs: 25 * MINUTE, unusedAgeMs: 45 * DAY };
    expect(classifyKey(activeKey(1, 0), zero, NOW)).toBe("warning");
  });

  it("follows the original's 12m/25m scenario", () => {
    const original: Thresholds = { warningAgeMs: 12 * MINUTE, criticalAgeMs: 25 * MINUTE, unusedAgeMs: 45 * DAY };
    expect(classifyKey(activeKey(1, 11 * MINUTE), original, NOW)).toBe("ok");
    expect(classifyKey(activeKey(1, 12 * MINUTE), original, NOW)).toBe("warning");
    expect(classifyKey(activeKey(1, 25 * MINUTE), original, NOW)).toBe("critical");
  });
});

describe("classifyKeys", () => {
  it("counts every key and orders the most severe, then the oldest, first", () => {
    const inventory = {
      users: [
        { userName: "ok-user", accessKeys: [activeKey(1, 10 * DAY, DAY)] },
        { userName: "unused-user", accessKeys: [activeKey(2, 50 * DAY)] },
        { userName: "old-user", accessKeys: [activeKey(3, 91 * DAY, DAY), activeKey(4, 200 * DAY, DAY)] },
        { userName: "aging-user", accessKeys: [activeKey(5, 81 * DAY, DAY)] },
        { userName: "retired-user", accessKeys: [{ ...activeKey(6, 300 * DAY), state: "Inactive" as const }] },
        { userName: "keyless-user", accessKeys: [] },
      ],
    };
    const result = classifyKeys(inventory, THRESHOLDS, NOW);
    expect(result.counts).toEqual({ exposed: 0, critical: 2, warning: 1, unused: 1, exempt: 0, ok: 1, inactive: 1 });
    expect(result.usersScanned).toBe(6);
    expect(result.findings.map((f) => f.accessKeyId)).toEqual([4, 3, 5, 2, 1, 6].map(keyId));
    expect(result.flagged.map((f) => f.status)).toEqual(["critical", "critical", "warning", "unused"]);
    expect(result.flagged[0]).toMatchObject({ userName: "old-user", ageMs: 200 * DAY, lastUsedService: "s3" });
  });

  it("returns empty results for an empty account", () => {
    const result = classifyKeys(inventoryOf([]), THRESHOLDS, NOW);
    expect(result.findings).toEqual([]);
    expect(result.counts).toEqual({ exposed: 0, critical: 0, warning: 0, unused: 0, exempt: 0, ok: 0, inactive: 0 });
  });
});
