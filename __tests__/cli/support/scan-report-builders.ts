import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import type { ScanReport } from "../../../cli/scan-report";
import { DAY, NOW, activeKey, keyId, ago } from "../../handler/support/inventory-builders";

/** The default thresholds (80d / 90d / 45d). */
export const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };

/**
 * One key of every status: alice critical (95d, used 2d ago), bob warning (85d, never used),
 * carol unused (50d, used 46d ago) plus an inactive key, dave ok (10d, used today), erin exempt.
 */
export const MIXED_INVENTORY: AccessKeyInventory = {
  users: [
    { userName: "alice", accessKeys: [activeKey(1, 95 * DAY, 2 * DAY)] },
    { userName: "bob", accessKeys: [activeKey(2, 85 * DAY)] },
    {
      userName: "carol",
      accessKeys: [
        activeKey(3, 50 * DAY, 46 * DAY),
        { accessKeyId: keyId(4), state: "Inactive", createDate: ago(200 * DAY) },
      ],
    },
    { userName: "dave", accessKeys: [activeKey(5, 10 * DAY, 0)] },
    { userName: "erin", accessKeys: [activeKey(6, 100 * DAY)], tags: { "key-age:exempt-until": "2025-12-31" } },
    { userName: "frank", accessKeys: [] },
  ],
};

/** A report of {@link MIXED_INVENTORY} at NOW. */
export function mixedReport(extra: Partial<ScanReport> = {}): ScanReport {
  return {
    classification: classifyKeys(MIXED_INVENTORY, THRESHOLDS, NOW),
    accountId: "123456789012",
    environmentName: "prod",
    evaluatedAt: NOW,
    forecast: false,
    thresholdLabels: LABELS,
    skippedUsers: [],
    missingWatchedUsers: [],
    ...extra,
  };
}
