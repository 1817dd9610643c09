import { ROOT_USER_NAME } from "../scan/inventory";
import type { KeyFinding } from "../scan/classify";
import type { EnforcementConfig } from "../runtime/config/config";
import { parseDuration } from "../runtime/duration";
import type { EnforcementRecord } from "./enforcement-record";
import { ROOT_ACCOUNT_ROW } from "../scan/credential-report";
import { USER_TAG_KEYS } from "../scan/user-tags";
import { noticeStanding } from "./notice-standing";

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
      /** The effective deactivation age (the notice records it: another age breaks the notice). */
      readonly ageMs: number;
      /** True when a notice naming the date reached Slack and still stands (see notice-standing.ts). */
      readonly noticed: boolean;
      /** Why an earlier notice no longer stands, told with the fresh one. @default undefined */
      readonly lapse?: string;
      /** True for an exposed key switched off without a notice period (`EXPOSED_KEYS=deactivate`). @default undefined */
      readonly exposed?: true;
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

/**
 * The deactivation schedule of one key (pure), or undefined when enforcement does not apply to it:
 * inactive keys, exempt keys and the root user's keys are never deactivated.
 * With a standing notice (see notice-standing.ts) the date is the one it named. Without, the date is
 * the later of creation + the effective age (the global `DEACTIVATE_AGE`, a later
 * `key-age:deactivate-age`, or the user's own later critical age, so a key is always critical
 * first) and a full `DEACTIVATION_NOTICE` from now: a forecast, which a notice sent now would name.
 * An exposed key with `EXPOSED_KEYS=deactivate` is due now, without a notice period.
 * `since` is the start of the account's enforcement stretch (undefined for the CLI's forecast).
 */
export function deactivationSchedule(
  finding: KeyFinding,
  enforcement: EnforcementConfig,
  record: EnforcementRecord | undefined,
  now: Date,
  since?: Date,
): DeactivationSchedule | undefined {
  const created = finding.createDate;
  if (finding.state !== "Active" || finding.status === "exempt" || isRootUser(finding.userName) || !created) {
    return undefined;
  }
  if (finding.deactivateNever) return { kind: "never", reason: `tag ${USER_TAG_KEYS.deactivate}=never` };
  if ((record?.reactivations ?? 0) >= MAX_REACTIVATIONS) {
    return { kind: "never", reason: `reactivated by a person ${record?.reactivations} times: left to people` };
  }
  // A person who switched the key back on wins: then it gets a notice period like any other key.
  if (finding.status === "exposed" && enforcement.exposedKeys === "deactivate" && record?.reactivatedAt === undefined) {
    return {
      kind: "date",
      date: now,
      ageDue: now,
      setting: "EXPOSED_KEYS=deactivate (the key is exposed)",
      ageMs: 0,
      noticed: true,
      exposed: true,
    };
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
  const standing = noticeStanding(record, {
    mode: enforcement.mode,
    ...(since ? { since } : {}),
    ageMs,
    noticeMs: enforcement.notice.ms,
  });
  return {
    kind: "date",
    date: standing.stands ? standing.date : new Date(Math.max(ageDue, now.getTime() + enforcement.notice.ms)),
    ageDue: new Date(ageDue),
    setting,
    ageMs,
    noticed: standing.stands,
    ...(!standing.stands && standing.reason ? { lapse: standing.reason } : {}),
    ...(problem ? { problem } : {}),
  };
}

/** The root user's keys are never touched: deactivating them could lock the account out. */
export function isRootUser(userName: string): boolean {
  return userName === ROOT_ACCOUNT_ROW || userName === ROOT_USER_NAME;
}
