import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { DAY, NOW, activeKey, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const QUARANTINE_V3 = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";

describe("classifyKeys: exposed keys", () => {
  it("makes every active key of a quarantined user exposed, whatever its age, and lists it first", () => {
    const result = classifyKeys(
      {
        users: [
          { userName: "old", accessKeys: [activeKey(1, 200 * DAY, DAY)] },
          {
            userName: "leaked",
            accessKeys: [activeKey(2, 2 * DAY, DAY), { ...activeKey(3, 300 * DAY), state: "Inactive" }],
            attachedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", QUARANTINE_V3],
          },
        ],
      },
      THRESHOLDS,
      NOW,
    );
    expect(result.findings.map((f) => [f.userName, f.status])).toEqual([
      ["leaked", "exposed"],
      ["old", "critical"],
      ["leaked", "inactive"],
    ]);
    expect(result.findings[0]).toMatchObject({
      accessKeyId: keyId(2),
      ageMs: 2 * DAY,
      exposure: { quarantinePolicies: ["AWSCompromisedKeyQuarantineV3"] },
    });
    // An inactive key can sign nothing: it stays inactive, with the exposure noted for the listing.
    expect(result.findings[2].exposure).toEqual({ quarantinePolicies: ["AWSCompromisedKeyQuarantineV3"] });
    expect(result.counts).toMatchObject({ exposed: 1, critical: 1, inactive: 1 });
    expect(result.flagged.map((f) => f.status)).toEqual(["exposed", "critical"]);
  });

  it("is not silenced by an exemption", () => {
    const result = classifyKeys(
      {
        users: [
          {
            userName: "leaked",
            accessKeys: [activeKey(1, 100 * DAY)],
            tags: { "key-age:exempt-until": "2025-12-01" },
            attachedPolicyArns: [QUARANTINE_V3],
          },
        ],
      },
      THRESHOLDS,
      NOW,
    );
    expect(result.findings[0]).toMatchObject({ status: "exposed" });
    expect(result.findings[0].exemptUntil).toBeUndefined();
  });

  it("takes keys an AWS Health event named as exposed before any quarantine policy, and names the ones it cannot find", () => {
    const result = classifyKeys(
      { users: [{ userName: "alice", accessKeys: [activeKey(1, DAY, DAY), activeKey(2, DAY, DAY)] }] },
      THRESHOLDS,
      NOW,
      { exposedKeyIds: [keyId(2), "AKIAGONE000000000000"] },
    );
    expect(result.findings.map((f) => [f.accessKeyId, f.status])).toEqual([
      [keyId(2), "exposed"],
      [keyId(1), "ok"],
    ]);
    expect(result.findings[0].exposure).toEqual({ healthEvent: true });
    expect(result.exposedKeysNotFound).toEqual(["AKIAGONE000000000000"]);
  });

  it("names no missing keys without an event", () => {
    const result = classifyKeys({ users: [] }, THRESHOLDS, NOW);
    expect(result.exposedKeysNotFound).toBeUndefined();
    expect(result.counts.exposed).toBe(0);
  });
});
