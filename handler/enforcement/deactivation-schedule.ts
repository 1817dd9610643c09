import { ROOT_USER_NAME } from "../scan/inventory";
import type { KeyFinding } from "../scan/classify";
import type { EnforcementConfig } from "../runtime/config";
import { parseDuration } from "../runtime/duration";
import type { EnforcementRecord } from "./enforcement-record";
import { ROOT_ACCOUNT_ROW } from "../scan/credential-report";
import { USER_TAG_KEYS } from "../scan/user-tags";

/** When (and why) a key is to be deactivated, or why it never is. */
export type DeactivationSchedule =
  | {
      readonly kind: "date";
      /** The deactivation date: never earlier than a notice period after the first notice naming it. */
      readonly date: Date;
      /** When the key reaches its deactivation age (the date before any notice period is added). */
      readonly ageDue: Date;
      /** The setting that makes the key due, as written (`DEACTIVATE_AGE=120d`). */
      readonly setting: string;
      /** True when a notice naming the date reached Slack and counts for the current mode. */
      readonly noticed: boolean;
      /** A per-user tag that was ignored, as a plain sentence. @default undefined */
      readonly problem?: string;
    }
  | {
      readonly kind: "never";
      /** Why: the opt-out tag, or a person reactivating the key twice. */
      readonly reason: string;
    };

/** Why enforcement stops after this many reactivations: the monitor never fights a person in a loop. */
export const MAX_REACTIVATIONS = 2;

/** True when a notice of `record` counts in `mode`: a dry-run notice said "would", so it does not arm anything. */
export function noticeCounts(record: EnforcementRecord | undefined, mode: EnforcementConfig["mode"]): boolean {
  if (record?.noticeAt === undefined || record.deactivateOn === undefined) return false;
  return record.noticeMode === "armed" || mode !== "armed";
}

/**
 * The deactivation schedule of one key (pure), or undefined when enforcement does not apply to it:
 * inactive keys, exempt keys and the root user's keys are never deactivated.
 * The date is the latest of: creation + the effective age (the global `DEACTIVATE_AGE`, a later
 * `key-age:deactivate-age`, or the user's own later critical age, so a key is always critical
 * first), the recorded notice + `DEACTIVATION_NOTICE`, and the date an earlier notice named (a
 * date once announced never moves earlier). Without a counting notice the date is a forecast: a
 * notice sent now would name it.
 */
export function deactivationSchedule(
  finding: KeyFinding,
  enforcement: EnforcementConfig,
  record: EnforcementRecord | undefined,
  now: Date,
): DeactivationSchedule | undefined {
  const created = finding.createDate;
  if (finding.state !== "Active" || finding.status === "exempt" || isRootUser(finding.userName) || !created) {
    return undefined;
  }
  if (finding.deactivateNever) return { kind: "never", reason: `tag ${USER_TAG_KEYS.deactivate}=never` };
  if ((record?.reactivations ?? 0) >= MAX_REACTIVATIONS) {
    return { kind: "never", reason: `reactivated by a person ${record?.reactivations} times: left to people` };
  }

  let ageMs = enforcement.deactivateAge.ms;
  let setting = `DEACTIVATE_AGE=${enforcement.deactivateAge.label}`;
  let problem: string | undefined;
  const tag = finding.deactivateAge;
  if (tag && tag.ms > ageMs) {
    ageMs = tag.ms;
    setting = `tag ${USER_TAG_KEYS.deactivateAge}=${tag.label}`;
  } else if (tag && tag.ms < ageMs) {
    problem =
      `tag ${USER_TAG_KEYS.deactivateAge}=${JSON.stringify(tag.label)} is ignored: ` +
      `it may only be later than DEACTIVATE_AGE=${enforcement.deactivateAge.label}`;
  }
  const criticalLabel = finding.customLimits?.criticalAge;
  const criticalMs = criticalLabel !== undefined ? parseDuration(criticalLabel) : undefined;
  if (criticalMs !== undefined && criticalMs > ageMs) {
    ageMs = criticalMs;
    setting = `tag key-age:critical-age=${criticalLabel}`;
  }

  const ageDue = created.getTime() + ageMs;
  const reactivated = record?.deactivatedAt !== undefined;
  const noticed = !reactivated && noticeCounts(record, enforcement.mode);
  const earliest = noticed
    ? Math.max(record!.noticeAt!.getTime() + enforcement.notice.ms, record!.deactivateOn!.getTime())
    : now.getTime() + enforcement.notice.ms;
  return {
    kind: "date",
    date: new Date(Math.max(ageDue, earliest)),
    ageDue: new Date(ageDue),
    setting,
    noticed,
    ...(problem ? { problem } : {}),
  };
}

/** The root user's keys are never touched: deactivating them could lock the account out. */
export function isRootUser(userName: string): boolean {
  return userName === ROOT_ACCOUNT_ROW || userName === ROOT_USER_NAME;
}
