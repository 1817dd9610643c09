import type { Thresholds } from "./classify";
import type { CredentialReportRow, ReportedAccessKey } from "./credential-report";
import type { ReportOnlyCounts } from "./inventory";
import { smallestThresholdMs } from "./scan-strategy";

/** Input of {@link selectReportCandidates}. */
export interface CandidateSelectionInput {
  /** The parsed credential report. */
  readonly rows: readonly CredentialReportRow[];
  /** When IAM generated the report (`GetCredentialReport`'s `GeneratedTime`). */
  readonly generatedAt: Date;
  /** The latest moment the keys may be classified at; later than the scan's clock by the run's length. */
  readonly classifyBy: Date;
  /** The account-wide thresholds. */
  readonly thresholds: Thresholds;
  /** Per-user thresholds (from tags), when any can differ from `thresholds`. @default every user gets `thresholds` */
  readonly thresholdsFor?: (userName: string) => Thresholds;
  /**
   * The users that exist now, from a live listing. Users missing from the report are then candidates,
   * and users gone since the report are dropped. Required when `thresholdsFor` can return thresholds
   * below the report's age. @default undefined: only the report's users are known
   */
  readonly liveUserNames?: readonly string[];
  /**
   * Users read live whatever the report says: users under an AWS quarantine policy (their keys are
   * exposed whatever their age) and the owners of keys an AWS Health exposure event named. One not
   * in the report is added to the candidates. @default []
   */
  readonly mustRead?: readonly string[];
}

/** What {@link selectReportCandidates} decided. */
export interface CandidateSelection {
  /** Users whose keys must be read live, in report order (then live-only users). */
  readonly candidates: readonly string[];
  /** Users (and their keys) the report proves cannot hold a finding. */
  readonly reportOnly: ReportOnlyCounts;
  /**
   * True when the report is as old as the smallest threshold and no live user list was given: a user
   * created after the report could already hold a finding, so only a full scan is exact.
   */
  readonly reportTooOld: boolean;
}

/**
 * Picks the users whose keys could be findings by `classifyBy`, using the report as an upper bound:
 * - a key's creation date never changes, so its age is exact;
 * - a key's last use only moves forward, so the report's last use (or, if never used, the creation
 *   date) bounds its idle time from above;
 * - a key inactive in the report may have been reactivated since, so it is judged as if active;
 * - a key created after the report is at most `classifyBy - generatedAt` old, so when that reaches
 *   the user's smallest threshold, the user is a candidate whatever the report says.
 * Every key a full scan would flag therefore belongs to a candidate; the converse need not hold.
 */
export function selectReportCandidates(input: CandidateSelectionInput): CandidateSelection {
  const { rows, thresholds } = input;
  const classifyByMs = input.classifyBy.getTime();
  const reportAgeMs = classifyByMs - input.generatedAt.getTime();
  const thresholdsFor = input.thresholdsFor ?? (() => thresholds);
  const live = input.liveUserNames ? new Set(input.liveUserNames) : undefined;
  const mustRead = new Set(input.mustRead ?? []);

  const candidates: string[] = [];
  const reportOnly = { users: 0, activeKeys: 0, inactiveKeys: 0, generatedAt: input.generatedAt };
  const inReport = new Set<string>();
  for (const row of rows) {
    inReport.add(row.userName);
    if (live && !live.has(row.userName)) continue; // deleted since the report: a full scan would not see it
    const userThresholds = thresholdsFor(row.userName);
    const newKeysCanBeFindings = reportAgeMs >= smallestThresholdMs(userThresholds);
    if (
      newKeysCanBeFindings ||
      mustRead.has(row.userName) ||
      row.accessKeys.some((key) => canBeFinding(key, userThresholds, classifyByMs))
    ) {
      candidates.push(row.userName);
      continue;
    }
    reportOnly.users += 1;
    for (const key of row.accessKeys) reportOnly[key.active ? "activeKeys" : "inactiveKeys"] += 1;
  }
  // Created after the report: unknown keys, so read them (new users are few).
  for (const userName of input.liveUserNames ?? []) if (!inReport.has(userName)) candidates.push(userName);
  for (const userName of mustRead) {
    if (!inReport.has(userName) && !candidates.includes(userName)) candidates.push(userName);
  }

  const reportTooOld = !live && reportAgeMs >= smallestThresholdMs(thresholds);
  return { candidates, reportOnly, reportTooOld };
}

/** Whether the key could be critical, warning or unused by `classifyByMs`, were it active then. */
function canBeFinding(key: ReportedAccessKey, thresholds: Thresholds, classifyByMs: number): boolean {
  const ageMs = classifyByMs - key.createDate.getTime();
  if (ageMs >= Math.min(thresholds.warningAgeMs, thresholds.criticalAgeMs)) return true;
  const idleBoundMs = key.lastUsed instanceof Date ? classifyByMs - key.lastUsed.getTime() : ageMs;
  return idleBoundMs >= thresholds.unusedAgeMs;
}
