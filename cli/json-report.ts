import type { KeyFinding, KeyStatus } from "../handler/scan/classify";
import { DURATION_UNIT_MS } from "../handler/runtime/duration";
import { maskAccessKeyId } from "../handler/runtime/mask";
import { remediationFor } from "../handler/slack/remediation";
import { ROOT_KEY_TEXT } from "../handler/slack/render-root-key";
import type { FailOnLevel } from "./fail-on";
import { countsByStatus, unlistedKeyCount, type ScanReport } from "./scan-report";

/** One access key in `key-age scan --json`. */
export interface JsonKeyEntry {
  /** The IAM user. */
  readonly user: string;
  /** The key id, masked (`AKIA…WXYZ`). */
  readonly accessKeyId: string;
  /** The classification at `evaluatedAt`. */
  readonly status: KeyStatus;
  /** `Active` or `Inactive` in IAM. */
  readonly state: KeyFinding["state"];
  /** Creation time, ISO 8601; null when unknown (the root user's key, found without the credential report). */
  readonly createdAt: string | null;
  /** Whole days from creation to `evaluatedAt` (rounded down, never negative); null when unknown. */
  readonly ageDays: number | null;
  /** Last use, ISO 8601; null if never used (or not looked up, for an inactive key). */
  readonly lastUsed: string | null;
  /** The service of the last use, such as `s3`; null if unknown. */
  readonly lastUsedService: string | null;
  /** Whole days from the last use (or creation, if never used) to `evaluatedAt`; null when neither is known. */
  readonly idleDays: number | null;
  /** For an `exempt` key: the user's `key-age:exempt-until` date. */
  readonly exemptUntil?: string;
  /** The user's own ages from `key-age:*` tags, when they replace the configured ones. */
  readonly customLimits?: { readonly warningAge?: string; readonly criticalAge?: string };
  /** Malformed `key-age:*` tags of the user (ignored by the classification). */
  readonly tagProblems?: readonly string[];
  /**
   * Why AWS says the key leaked: the AWS quarantine policies attached to its user (by name), or an AWS
   * Health exposure event that named it. Present on an `exposed` key, and on an inactive key of a
   * quarantined user.
   */
  readonly exposure?: { readonly quarantinePolicies?: readonly string[]; readonly healthEvent?: true };
  /** What to do about the key (how to rotate without downtime); null when nothing needs doing. */
  readonly remediation: string | null;
  /**
   * With `DEACTIVATE_AGE` set: the date the key would be deactivated if a notice went out now, the
   * setting behind it, and whether it falls at or before `evaluatedAt`; or why it never is.
   */
  readonly deactivation?:
    | { readonly date: string; readonly setting: string; readonly byEvaluatedAt: boolean }
    | { readonly never: string };
}

/** Where the `--notify` digest went. */
export interface JsonNotification {
  /** `alerted`: posted; `nothing-flagged`: nothing to post; `dry-run`: printed to stderr, not posted. */
  readonly outcome: string;
  /** Slack messages posted. */
  readonly messagesPosted: number;
}

/** The single object `key-age scan --json` prints. */
export interface JsonReport {
  /** Bumped when a field changes meaning or disappears; new fields do not bump it. */
  readonly schemaVersion: 1;
  readonly accountId: string;
  readonly environment: string | null;
  /** The moment the keys were evaluated at, ISO 8601. */
  readonly evaluatedAt: string;
  /** True when `--as-of` set `evaluatedAt`. */
  readonly forecast: boolean;
  /** The thresholds as configured. */
  readonly thresholds: { readonly warningAge: string; readonly criticalAge: string; readonly unusedAge: string };
  /** The scan that ran: `api` (every user) or `credential-report` (the report, then its candidates). */
  readonly strategy: string;
  readonly usersScanned: number;
  /** Keys per status, every status present. */
  readonly counts: Readonly<Record<KeyStatus, number>>;
  /** Users deleted during the scan and skipped. */
  readonly skippedUsers: readonly string[];
  /** Names from WATCH_USERS / --watch-users that do not exist. */
  readonly missingWatchedUsers: readonly string[];
  /** One entry per access key, most severe first, then oldest first. */
  readonly keys: readonly JsonKeyEntry[];
  /** Every user whose `key-age:*` tags have a problem, whatever the status of their keys. */
  readonly tagProblems: readonly { readonly user: string; readonly problems: readonly string[] }[];
  /** Keys in `counts` without an entry in `keys`: cleared by a credential-report scan, which has no key ids. */
  readonly unlistedKeys: number;
  /**
   * When IAM generated the credential report the `unlistedKeys` are counted from (ISO 8601): a key
   * changed since then is counted as it was. @default absent: every key was read live
   */
  readonly reportGeneratedAt?: string;
  /** The `--fail-on` gate, when given. */
  readonly failOn?: { readonly level: FailOnLevel; readonly met: boolean; readonly keys: number };
  /** The Slack delivery, with `--notify`. */
  readonly notification?: JsonNotification;
}

/** Extra facts for {@link buildJsonReport} that are not part of the scan. */
export interface JsonReportExtras {
  /** The `--fail-on` result. @default undefined */
  readonly failOn?: JsonReport["failOn"];
  /** The `--notify` result. @default undefined */
  readonly notification?: JsonNotification;
}

const wholeDays = (ms: number): number => Math.floor(Math.max(0, ms) / DURATION_UNIT_MS.d);

function idleDays(finding: KeyFinding, at: number): number | null {
  const since = finding.lastUsedDate ?? finding.createDate;
  return since ? wholeDays(at - since.getTime()) : null;
}

/** Builds the `--json` object (pure); key ids are masked, dates are ISO 8601 strings. */
export function buildJsonReport(report: ScanReport, extras: JsonReportExtras = {}): JsonReport {
  const at = report.evaluatedAt.getTime();
  return {
    schemaVersion: 1,
    accountId: report.accountId,
    environment: report.environmentName ?? null,
    evaluatedAt: report.evaluatedAt.toISOString(),
    forecast: report.forecast,
    thresholds: {
      warningAge: report.thresholdLabels.warningAgeMs,
      criticalAge: report.thresholdLabels.criticalAgeMs,
      unusedAge: report.thresholdLabels.unusedAgeMs,
    },
    strategy: report.strategy ?? "api",
    usersScanned: report.classification.usersScanned,
    counts: countsByStatus(report),
    skippedUsers: report.skippedUsers,
    missingWatchedUsers: report.missingWatchedUsers,
    keys: report.classification.findings.map((finding) => ({
      user: finding.userName,
      accessKeyId: maskAccessKeyId(finding.accessKeyId),
      status: finding.status,
      state: finding.state,
      createdAt: finding.createDate?.toISOString() ?? null,
      ageDays: finding.ageMs === undefined ? null : wholeDays(finding.ageMs),
      lastUsed: finding.lastUsedDate?.toISOString() ?? null,
      lastUsedService: finding.lastUsedService ?? null,
      idleDays: idleDays(finding, at),
      ...(finding.exemptUntil ? { exemptUntil: finding.exemptUntil } : {}),
      ...(finding.customLimits ? { customLimits: finding.customLimits } : {}),
      ...(finding.tagProblems ? { tagProblems: finding.tagProblems } : {}),
      ...(finding.exposure ? { exposure: finding.exposure } : {}),
      // The root user's key is not rotated but deleted.
      remediation: finding.root
        ? `${ROOT_KEY_TEXT.charAt(0).toUpperCase()}${ROOT_KEY_TEXT.slice(1)}.`
        : (remediationFor(finding.status) ?? null),
      ...deactivationField(report, finding.accessKeyId),
    })),
    tagProblems: report.classification.tagProblems.map(({ userName, problems }) => ({ user: userName, problems })),
    unlistedKeys: unlistedKeyCount(report),
    ...(report.classification.fromReport?.generatedAt
      ? { reportGeneratedAt: report.classification.fromReport.generatedAt.toISOString() }
      : {}),
    ...(extras.failOn ? { failOn: extras.failOn } : {}),
    ...(extras.notification ? { notification: extras.notification } : {}),
  };
}

function deactivationField(report: ScanReport, accessKeyId: string): Pick<JsonKeyEntry, "deactivation"> {
  const schedule = report.deactivations?.get(accessKeyId);
  if (!schedule) return {};
  if (schedule.kind === "never") return { deactivation: { never: schedule.reason } };
  return {
    deactivation: {
      date: schedule.date.toISOString(),
      setting: schedule.setting,
      byEvaluatedAt: schedule.date.getTime() <= report.evaluatedAt.getTime(),
    },
  };
}

/** The `--json` output: the report as one pretty-printed JSON object and a newline. */
export function renderJsonReport(report: ScanReport, extras: JsonReportExtras = {}): string {
  return `${JSON.stringify(buildJsonReport(report, extras), null, 2)}\n`;
}
