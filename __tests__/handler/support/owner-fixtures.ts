import type { AlertRecord } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import { DAY, NOW, type activeKey, ago, keyId } from "./inventory-builders";

/** The default thresholds. */
export const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
/** A day between reminders. */
export const REMIND = DAY;
export const ALICE = "alice@example.com";
export const BOB = "bob@example.com";

/** One user, `svc-deploy`, owned by `owner` (the tag's value), with these keys. */
export const inventory = (owner: string, ...keys: ReturnType<typeof activeKey>[]): AccessKeyInventory => ({
  users: [{ userName: "svc-deploy", accessKeys: keys, tags: { "key-age:owner": owner } }],
});

/** Classifies at NOW with the default thresholds. */
export const classify = (inv: AccessKeyInventory) => classifyKeys(inv, THRESHOLDS, NOW);

/** An alert record of key `n`, announced half a day ago. */
export const record = (n: number, extra: Partial<AlertRecord> = {}): AlertRecord => ({
  accessKeyId: keyId(n),
  userName: "svc-deploy",
  status: "critical",
  announcedAt: ago(DAY / 2),
  since: ago(3 * DAY),
  expiresAt: new Date(NOW.getTime() + 20 * DAY),
  ...extra,
});

/** What every owner message in these tests shows besides the keys. */
export const CONTEXT = { accountId: "123456789012", environmentName: "prod", channel: "#key-age", now: NOW };

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
export const visible = (text: string) => text.replaceAll("\u2060", "");
