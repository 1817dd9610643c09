import type { Thresholds } from "./thresholds";
import {
  ROOT_ACCESS_KEY_ID,
  ROOT_USER_NAME,
  type AccessKeyInventory,
  type AccessKeyRecord,
  type AccessKeyState,
  type RootAccessKeyRecord,
} from "./inventory";
import { exemptionBeyondHorizon, parseUserTags, userThresholds } from "./user-tags";
import { keyExposure, type KeyExposure } from "./exposure";

export type { KeyExposure } from "./exposure";

/**
 * A key's classification. `exposed` keys are active keys AWS says have leaked (see exposure.ts),
 * whatever their age; `inactive` keys are listed, never alerted; `exempt` keys would be critical,
 * warning or unused but their user's `key-age:exempt-until` date has not come yet.
 */
export type KeyStatus = "exposed" | "critical" | "warning" | "unused" | "exempt" | "ok" | "inactive";

/**
 * Statuses from most to least severe. Exposure beats age: age is a proxy for the risk of a leak, an
 * exposed key is the leak. Age beats disuse: a key past the rotation deadline breaks policy whether
 * or not it is used, while an unused key is a hygiene finding; a key that is both old and unused is
 * reported as old, so the count of keys to rotate is complete.
 */
export const SEVERITY_ORDER: readonly KeyStatus[] = [
  "exposed",
  "critical",
  "warning",
  "unused",
  "exempt",
  "ok",
  "inactive",
];

/** Statuses that put a key in the Slack digest. */
export const FLAGGED_STATUSES: readonly KeyStatus[] = ["exposed", "critical", "warning", "unused"];

export type { Thresholds } from "./thresholds";

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
  /** When the key was created. @default undefined: not known (only for the root user's key, see `root`) */
  readonly createDate?: Date;
  /** `now - createDate`. @default undefined: not known, like `createDate` */
  readonly ageMs?: number;
  /**
   * True for the root user's access key (user `<root>`): critical whatever its age, and its age is
   * known only where the credential report was read. @default undefined: an IAM user's key
   */
  readonly root?: true;
  /** When the key was last used. @default undefined: never */
  readonly lastUsedDate?: Date;
  /** The service of the last use. @default undefined */
  readonly lastUsedService?: string;
  /** Slack mentions of the user's owners (`key-age:owner`). @default undefined: nobody to mention */
  readonly owners?: readonly string[];
  /** Email addresses of the user's owners (`key-age:owner`), told directly by the Slack app. @default undefined: none */
  readonly ownerEmails?: readonly string[];
  /** Malformed `key-age:*` tags of the user, as plain-text sentences. @default undefined: none */
  readonly tagProblems?: readonly string[];
  /** Per-user ages from tags, as written, when they replace the global ones. @default undefined */
  readonly customLimits?: { readonly warningAge?: string; readonly criticalAge?: string };
  /** For an `exempt` key: the `key-age:exempt-until` date. @default undefined */
  readonly exemptUntil?: string;
  /** The user's `key-age:deactivate-age`, as read. @default undefined: the global `DEACTIVATE_AGE` */
  readonly deactivateAge?: { readonly ms: number; readonly label: string };
  /** True when the user's `key-age:deactivate=never` opts the key out of enforcement. @default undefined */
  readonly deactivateNever?: true;
  /**
   * Why AWS says the key leaked: its user's quarantine policies, an AWS Health event. Set on an
   * inactive key too (it stays `inactive`: it can sign nothing). @default undefined: no sign of exposure
   */
  readonly exposure?: KeyExposure;
}

/** Counts of keys per status. */
export type StatusCounts = Readonly<Record<KeyStatus, number>>;

/** The part of the `ok` and `inactive` counts that only a credential report vouches for, and as of when. */
export interface ReportedCounts {
  /** Keys counted as ok because the report shows them active and unable to be flagged. */
  readonly ok: number;
  /** Keys counted as inactive because the report shows them inactive. */
  readonly inactive: number;
  /** Users known only from the report. */
  readonly users: number;
  /** When IAM generated the report. @default undefined: unknown */
  readonly generatedAt?: Date;
}

/** The classified inventory. */
export interface Classification {
  /** Every key, most severe first, then oldest first, then by user name and key id. */
  readonly findings: readonly KeyFinding[];
  /** The findings that belong in the digest (exposed, critical, warning, unused), in the same order. */
  readonly flagged: readonly KeyFinding[];
  /** Keys per status; sums to `findings.length` plus the inventory's report-only keys (see `fromReport`). */
  readonly counts: StatusCounts;
  /** Users in the inventory (with or without keys). */
  readonly usersScanned: number;
  /**
   * The part of `counts.ok` and `counts.inactive` taken from a credential report rather than read
   * live: a key changed since the report is counted as it was then, so messages and metrics label
   * these "per the credential report of <time>". @default undefined: every key was read live
   */
  readonly fromReport?: ReportedCounts;
  /**
   * Every user whose `key-age:*` tags have a problem, whatever the status of their keys, by user name:
   * a typo that silently changes nothing must still reach a person.
   */
  readonly tagProblems: readonly UserTagProblems[];
  /**
   * Key ids an AWS Health exposure event named that are not among the scanned keys: not in this
   * account (or deleted since), named in the digest rather than dropped. @default undefined: none
   */
  readonly exposedKeysNotFound?: readonly string[];
}

/** The tag problems of one user. */
export interface UserTagProblems {
  /** The IAM user. */
  readonly userName: string;
  /** One plain-text sentence per problem. */
  readonly problems: readonly string[];
}

/** Options of {@link classifyKeys}. */
export interface ClassifyOptions {
  /**
   * The furthest a `key-age:exempt-until` date may lie ahead and be honoured (`MAX_EXEMPTION`).
   * @default undefined: no limit (the handler and the CLI always pass the configured one)
   */
  readonly maxExemption?: { readonly ms: number; readonly label: string };
  /**
   * Key ids an AWS Health exposure event named (the run's trigger): exposed even before AWS attaches
   * the quarantine policy. @default []: no event
   */
  readonly exposedKeyIds?: readonly string[];
  /** The highest age a threshold tag may set (`MAX_TAG_AGE`). @default 400d */
  readonly maxTagAge?: { readonly ms: number; readonly label: string };
  /**
   * Owners one `key-age:owner` tag may name (`MAX_OWNERS_PER_KEY`); the rest are a tag problem and are
   * neither mentioned nor messaged. @default DEFAULT_MAX_OWNERS
   */
  readonly maxOwners?: number;
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

/**
 * Classifies every key of the inventory at `now` (pure: the clock is an argument). An active key whose
 * user carries an AWS quarantine policy, or that a Health event named, is `exposed` whatever its age
 * and its exemption. Each user's `key-age:*` tags (see user-tags.ts) may replace the warning and
 * critical ages, exempt the keys until a date, and name owners; a malformed tag is ignored and
 * reported on the user's findings.
 */
export function classifyKeys(
  inventory: AccessKeyInventory,
  thresholds: Thresholds,
  now: Date,
  options: ClassifyOptions = {},
): Classification {
  const findings: KeyFinding[] = [];
  const tagProblems: UserTagProblems[] = [];
  const eventKeyIds = new Set(options.exposedKeyIds ?? []);
  const problemsOf = (userName: string, rawTags: Readonly<Record<string, string>> | undefined) => {
    const tags = parseUserTags(rawTags, {
      ...(options.maxTagAge ? { maxTagAge: options.maxTagAge } : {}),
      ...(options.maxOwners === undefined ? {} : { maxOwners: options.maxOwners }),
    });
    const limits = userThresholds(thresholds, tags);
    const beyondHorizon = exemptionBeyondHorizon(tags, now, options.maxExemption);
    const problems = [
      ...tags.problems,
      ...(limits.problem ? [limits.problem] : []),
      ...(beyondHorizon ? [beyondHorizon] : []),
    ];
    if (problems.length > 0) tagProblems.push({ userName, problems });
    return { tags, limits, problems, honourExemption: beyondHorizon === undefined };
  };
  for (const user of inventory.reportOnlyUserTags ?? []) problemsOf(user.userName, user.tags);
  for (const user of inventory.users) {
    const { tags, limits, problems, honourExemption } = problemsOf(user.userName, user.tags);
    if (user.accessKeys.length === 0) continue;
    const exempt = honourExemption && tags.exemptUntil !== undefined && now.getTime() < tags.exemptUntil.getTime();
    for (const key of user.accessKeys) {
      const exposure = keyExposure(key.accessKeyId, user.attachedPolicyArns, eventKeyIds);
      // An exposed key is the risk itself: neither its age nor an exemption makes it less urgent.
      const status = exposure && key.state === "Active" ? "exposed" : classifyKey(key, limits.thresholds, now);
      const exempted = exempt && status !== "exposed" && FLAGGED_STATUSES.includes(status);
      findings.push({
        userName: user.userName,
        accessKeyId: key.accessKeyId,
        state: key.state,
        status: exempted ? "exempt" : status,
        createDate: key.createDate,
        ageMs: now.getTime() - key.createDate.getTime(),
        ...(key.lastUsedDate ? { lastUsedDate: key.lastUsedDate } : {}),
        ...(key.lastUsedService ? { lastUsedService: key.lastUsedService } : {}),
        ...(tags.owners ? { owners: tags.owners } : {}),
        ...(tags.ownerEmails ? { ownerEmails: tags.ownerEmails } : {}),
        ...(problems.length > 0 ? { tagProblems: problems } : {}),
        ...(limits.customLabels ? { customLimits: limits.customLabels } : {}),
        ...(exempted && tags.exemptUntilLabel ? { exemptUntil: tags.exemptUntilLabel } : {}),
        ...(tags.deactivateAge ? { deactivateAge: tags.deactivateAge } : {}),
        ...(tags.deactivateNever ? { deactivateNever: true as const } : {}),
        ...(exposure ? { exposure } : {}),
      });
    }
  }
  if (inventory.rootAccessKey) findings.push(rootFinding(inventory.rootAccessKey, now));
  findings.sort(compareFindings);
  // `exposed` last: what prints the counts as JSON keeps its familiar start.
  const counts = { critical: 0, warning: 0, unused: 0, exempt: 0, ok: 0, inactive: 0, exposed: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  // A credential-report scan proves these keys cannot be flagged, so they belong in the totals; but
  // the report may be hours old, so the part it vouches for is kept apart and labelled with its time.
  const report = inventory.reportOnly;
  counts.ok += report?.activeKeys ?? 0;
  counts.inactive += report?.inactiveKeys ?? 0;
  return {
    findings,
    flagged: findings.filter((finding) => FLAGGED_STATUSES.includes(finding.status)),
    counts,
    usersScanned: inventory.users.length + (report?.users ?? 0),
    ...(report
      ? {
          fromReport: {
            ok: report.activeKeys,
            inactive: report.inactiveKeys,
            users: report.users,
            ...(report.generatedAt ? { generatedAt: report.generatedAt } : {}),
          },
        }
      : {}),
    tagProblems: tagProblems.sort((a, b) => a.userName.localeCompare(b.userName)),
    ...exposedKeysNotFound(eventKeyIds, findings),
  };
}

/** The event's key ids no scanned key has, in the event's order. */
function exposedKeysNotFound(
  eventKeyIds: ReadonlySet<string>,
  findings: readonly KeyFinding[],
): Pick<Classification, "exposedKeysNotFound"> {
  const found = new Set(findings.map((finding) => finding.accessKeyId));
  const missing = [...eventKeyIds].filter((id) => !found.has(id));
  return missing.length > 0 ? { exposedKeysNotFound: missing } : {};
}

/**
 * The root user's active access key: critical whatever its age. AWS Config's iam-root-access-key-check,
 * Security Hub IAM.4 and CIS all say the root user should have no access key at all; no tag or
 * threshold applies to it.
 */
function rootFinding(key: RootAccessKeyRecord, now: Date): KeyFinding {
  return {
    userName: ROOT_USER_NAME,
    accessKeyId: ROOT_ACCESS_KEY_ID,
    state: "Active",
    status: "critical",
    root: true,
    ...(key.createDate ? { createDate: key.createDate, ageMs: now.getTime() - key.createDate.getTime() } : {}),
    ...(key.lastUsedDate ? { lastUsedDate: key.lastUsedDate } : {}),
  };
}

// The root key leads its status (its age may be unknown); then oldest first.
function compareFindings(a: KeyFinding, b: KeyFinding): number {
  return (
    SEVERITY_ORDER.indexOf(a.status) - SEVERITY_ORDER.indexOf(b.status) ||
    Number(b.root === true) - Number(a.root === true) ||
    (b.ageMs ?? 0) - (a.ageMs ?? 0) ||
    a.userName.localeCompare(b.userName) ||
    a.accessKeyId.localeCompare(b.accessKeyId)
  );
}
