import type { AccessKeyInventory, AccessKeyRecord, AccessKeyState } from "./inventory";

/** A key's classification. `inactive` keys are listed, never alerted. */
export type KeyStatus = "critical" | "warning" | "unused" | "ok" | "inactive";

/**
 * Statuses from most to least severe. Age beats disuse: a key past the rotation deadline
 * breaks policy whether or not it is used, while an unused key is a hygiene finding; a key that
 * is both old and unused is reported as old, so the count of keys to rotate is complete.
 */
export const SEVERITY_ORDER: readonly KeyStatus[] = ["critical", "warning", "unused", "ok", "inactive"];

/** Statuses that put a key in the Slack digest. */
export const FLAGGED_STATUSES: readonly KeyStatus[] = ["critical", "warning", "unused"];

/** Age limits, in milliseconds. Reaching a limit exactly counts as reaching it. */
export interface Thresholds {
  /** Age at which a key is a warning. */
  readonly warningAgeMs: number;
  /** Age at which a key must be rotated. */
  readonly criticalAgeMs: number;
  /** Idle time (since last use, or since creation if never used) at which an active key is unused. */
  readonly unusedAgeMs: number;
}

/** One classified key. */
export interface KeyFinding {
  /** The IAM user owning the key. */
  readonly userName: string;
  /** The full key id; render it masked. */
  readonly accessKeyId: string;
  /** Whether the key is active in IAM. */
  readonly state: AccessKeyState;
  /** The classification. */
  readonly status: KeyStatus;
  /** When the key was created. */
  readonly createDate: Date;
  /** `now - createDate`. */
  readonly ageMs: number;
  /** When the key was last used. @default undefined: never */
  readonly lastUsedDate?: Date;
  /** The service of the last use. @default undefined */
  readonly lastUsedService?: string;
}

/** Counts of keys per status. */
export type StatusCounts = Readonly<Record<KeyStatus, number>>;

/** The classified inventory. */
export interface Classification {
  /** Every key, most severe first, then oldest first, then by user name and key id. */
  readonly findings: readonly KeyFinding[];
  /** The findings that belong in the digest (critical, warning, unused), in the same order. */
  readonly flagged: readonly KeyFinding[];
  /** Keys per status; sums to `findings.length`. */
  readonly counts: StatusCounts;
  /** Users in the inventory (with or without keys). */
  readonly usersScanned: number;
}

/** Classifies one key at `now`; see {@link SEVERITY_ORDER} for why age wins over disuse. */
export function classifyKey(key: AccessKeyRecord, thresholds: Thresholds, now: Date): KeyStatus {
  if (key.state !== "Active") return "inactive";
  const ageMs = now.getTime() - key.createDate.getTime();
  if (ageMs >= thresholds.criticalAgeMs) return "critical";
  if (ageMs >= thresholds.warningAgeMs) return "warning";
  const idleMs = key.lastUsedDate ? now.getTime() - key.lastUsedDate.getTime() : ageMs;
  if (idleMs >= thresholds.unusedAgeMs) return "unused";
  return "ok";
}

/** Classifies every key of the inventory at `now` (pure: the clock is an argument). */
export function classifyKeys(inventory: AccessKeyInventory, thresholds: Thresholds, now: Date): Classification {
  const findings: KeyFinding[] = [];
  for (const user of inventory.users) {
    for (const key of user.accessKeys) {
      findings.push({
        userName: user.userName,
        accessKeyId: key.accessKeyId,
        state: key.state,
        status: classifyKey(key, thresholds, now),
        createDate: key.createDate,
        ageMs: now.getTime() - key.createDate.getTime(),
        ...(key.lastUsedDate ? { lastUsedDate: key.lastUsedDate } : {}),
        ...(key.lastUsedService ? { lastUsedService: key.lastUsedService } : {}),
      });
    }
  }
  findings.sort(compareFindings);
  const counts = { critical: 0, warning: 0, unused: 0, ok: 0, inactive: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return {
    findings,
    flagged: findings.filter((finding) => FLAGGED_STATUSES.includes(finding.status)),
    counts,
    usersScanned: inventory.users.length,
  };
}

function compareFindings(a: KeyFinding, b: KeyFinding): number {
  return (
    SEVERITY_ORDER.indexOf(a.status) - SEVERITY_ORDER.indexOf(b.status) ||
    b.ageMs - a.ageMs ||
    a.userName.localeCompare(b.userName) ||
    a.accessKeyId.localeCompare(b.accessKeyId)
  );
}
