import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from "@aws-sdk/client-iam";
import type { Thresholds } from "./classify";
import { parseCredentialReportWithRoot, type CredentialReportRow } from "./credential-report";
import { ROOT_USER_NAME, type RootAccessKeyRecord, type ScanResult } from "./inventory";
import { selectReportCandidates } from "./report-candidates";
import { UNLIMITED_BUDGET, type ScanBudget } from "./scan-budget";
import { userNameSet } from "./user-names";
import { hasRootAccessKey, scanAccount, withStopSignal } from "./scan-account";
import { hasIamErrorCode, ScanError } from "./iam-errors";
import { listUserDetails } from "./user-details";
import { isQuarantined } from "./exposure";

/**
 * A Lambda run lasts at most 15 minutes and keys are classified at some moment in it: candidates are
 * chosen for the end of that window, so a key crossing a threshold during the run is still read.
 */
export const DEFAULT_CLASSIFY_WITHIN_MS = 15 * 60 * 1000;

/** Per-user thresholds from the users' `key-age:*` IAM tags (see user-tags.ts). */
export interface UserThresholdSource {
  /** The thresholds that apply to a user with these tags at `now`. */
  readonly thresholdsFor: (tags: Readonly<Record<string, string>>, defaults: Thresholds, now: Date) => Thresholds;
}

/** Options of {@link scanWithCredentialReport}. */
export interface CredentialReportScanOptions {
  /** The IAM client; build it with `retryMode: "adaptive"`. */
  readonly iam: IAMClient;
  /** The account-wide thresholds. */
  readonly thresholds: Thresholds;
  /** Scan only these users. @default []: every user */
  readonly watchUsers?: readonly string[];
  /** Users verified at once. @default DEFAULT_SCAN_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * Per-user thresholds read from tags. A tag may lower a threshold, so every user's tags are needed to
   * pick candidates: they are read with `GetAccountAuthorizationDetails` (Filter=User), a few pages
   * for the whole account, instead of one `ListUserTags` per user. The same pages carry each user's
   * attached policies, so a user under an AWS quarantine policy is read live whatever the report says;
   * without this source (the function and the CLI always give it) only the candidates' policies are
   * read. @default undefined: no per-user thresholds
   */
  readonly userThresholds?: UserThresholdSource;
  /**
   * Users read live whatever the report and the watch list say, known to exist: the owners of keys an
   * AWS Health exposure event named. @default []
   */
  readonly alsoUsers?: readonly string[];
  /** How long after the scan's clock the keys may be classified. @default DEFAULT_CLASSIFY_WITHIN_MS */
  readonly classifyWithinMs?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** Waits between report polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Gives up waiting for the report after this long (or when the budget runs out, if sooner). @default 120_000 */
  readonly reportTimeoutMs?: number;
  /**
   * When to stop checking candidates: the ones not checked by then are returned in
   * `stats.uncheckedUsers` (see scanAccount). @default UNLIMITED_BUDGET
   */
  readonly budget?: ScanBudget;
  /** Users to check before the others (the previous run's unchecked users). @default [] */
  readonly checkFirst?: readonly string[];
  /** Also look up the last use of inactive keys it reads live (see scanAccount). @default false */
  readonly inactiveKeyLastUse?: boolean;
}

/**
 * Scans through the IAM credential report: fetch the report (a few calls), pick the users whose keys
 * could be findings (see {@link selectReportCandidates}), and read only those users' keys live with
 * the per-user scan. The report has no key ids and may be hours old, so it only filters; every
 * finding comes from live data and equals the full scan's. Users the report clears are counted in
 * `inventory.reportOnly`. When the report is too old to filter safely, the full API scan runs instead.
 */
export async function scanWithCredentialReport(options: CredentialReportScanOptions): Promise<ScanResult> {
  // One stop signal for every call of the scan: the report's, the tags' and the live checks'.
  return withStopSignal(options.budget ?? UNLIMITED_BUDGET, (signal) => scanWithReport(options, signal));
}

async function scanWithReport(options: CredentialReportScanOptions, stopSignal: AbortSignal): Promise<ScanResult> {
  const { iam } = options;
  const now = options.now ?? (() => new Date());
  let reportCalls = 0;
  const countCall = (): void => {
    reportCalls += 1;
  };

  // Live, unlike the report: a root key created or deleted since the report is seen as it is now.
  const rootKeyPresent = await hasRootAccessKey(iam, countCall, stopSignal);
  // Out of time, the root check is unchecked like a user: never an all-clear.
  const rootUnchecked = rootKeyPresent === "unchecked" ? [ROOT_USER_NAME] : [];
  const report = await fetchCredentialReport(iam, {
    countCall,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    timeoutMs: Math.min(options.reportTimeoutMs ?? 120_000, (options.budget ?? UNLIMITED_BUDGET).msUntilStop()),
    now,
    abortSignal: stopSignal,
  });
  let rows: CredentialReportRow[];
  let rootRow: CredentialReportRow | undefined;
  try {
    ({ rows, root: rootRow } = parseCredentialReportWithRoot(report.content));
  } catch (error) {
    throw new ScanError("The credential report could not be read", { cause: error });
  }
  const rootAccessKey = rootKeyPresent === true ? { rootAccessKey: rootKeyFromReport(rootRow) } : {};
  const inactiveKeyLastUse = options.inactiveKeyLastUse ? { inactiveKeyLastUse: true } : {};

  const watchUsers = options.watchUsers ?? [];
  // IAM user names are unique regardless of case, and the API walk's GetUser matches them so: the
  // report's rows (and the live listing) are matched the same way, so both strategies agree.
  const watched = watchUsers.length > 0 ? userNameSet(watchUsers) : undefined;
  const isWatched = (userName: string): boolean => !watched || watched.has(userName);
  if (watched) rows = rows.filter((row) => isWatched(row.userName));

  const scanNow = now();
  let liveUserNames: string[] | undefined;
  let thresholdsFor: ((userName: string) => Thresholds) | undefined;
  let knownTags: Map<string, Readonly<Record<string, string>>> | undefined;
  let knownPolicies: Map<string, readonly string[]> | undefined;
  const mustRead = [...(options.alsoUsers ?? [])];
  if (options.userThresholds) {
    const users = await listUserDetails(iam, countCall, stopSignal);
    knownTags = new Map(users.map((user) => [user.userName, user.tags]));
    knownPolicies = new Map(users.map((user) => [user.userName, user.attachedPolicyArns]));
    // Their keys are exposed whatever their age: the report cannot clear them.
    for (const user of users) {
      if (isQuarantined(user.attachedPolicyArns) && isWatched(user.userName)) mustRead.push(user.userName);
    }
    const source = options.userThresholds;
    const byUser = new Map(
      users.map((user) => [user.userName, source.thresholdsFor(user.tags, options.thresholds, scanNow)]),
    );
    liveUserNames = users.map((user) => user.userName).filter(isWatched);
    thresholdsFor = (userName) => byUser.get(userName) ?? options.thresholds;
  }

  const budgeted = {
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.checkFirst ? { checkFirst: options.checkFirst } : {}),
  };
  const selection = selectReportCandidates({
    rows,
    generatedAt: report.generatedAt,
    classifyBy: new Date(scanNow.getTime() + (options.classifyWithinMs ?? DEFAULT_CLASSIFY_WITHIN_MS)),
    thresholds: options.thresholds,
    ...(thresholdsFor ? { thresholdsFor } : {}),
    ...(liveUserNames ? { liveUserNames } : {}),
    ...(mustRead.length > 0 ? { mustRead } : {}),
  });
  const alsoUsers = options.alsoUsers && options.alsoUsers.length > 0 ? { alsoUsers: options.alsoUsers } : {};

  if (selection.reportTooOld) {
    // A user created after the report could already hold a finding: only the full walk is exact.
    const full = await scanAccount({
      iam,
      watchUsers,
      rootAccessKey: false,
      ...inactiveKeyLastUse,
      ...alsoUsers,
      ...budgeted,
    });
    const fullUnchecked = [...(full.stats.uncheckedUsers ?? []), ...rootUnchecked];
    return {
      inventory: { ...full.inventory, ...rootAccessKey },
      stats: {
        ...full.stats,
        apiCalls: full.stats.apiCalls + reportCalls,
        strategy: "api",
        ...(fullUnchecked.length > 0 ? { uncheckedUsers: fullUnchecked } : {}),
      },
    };
  }

  const verified = await scanAccount({
    iam,
    userNames: selection.candidates,
    ...inactiveKeyLastUse,
    ...(knownTags ? { knownTags } : {}),
    ...(knownPolicies ? { knownPolicies } : {}),
    ...budgeted,
  });
  // Watched names absent from the report may be users created since: GetUser tells them from typos.
  const reported = userNameSet(rows.map((row) => row.userName));
  const absentWatched = liveUserNames ? [] : watchUsers.filter((userName) => !reported.has(userName));
  const latecomers =
    absentWatched.length > 0
      ? await scanAccount({ iam, watchUsers: absentWatched, rootAccessKey: false, ...inactiveKeyLastUse, ...budgeted })
      : undefined;
  const live = userNameSet(liveUserNames ?? []);
  const missingWatchedUsers = liveUserNames
    ? watchUsers.filter((userName) => !live.has(userName))
    : (latecomers?.stats.missingWatchedUsers ?? []);

  const unchecked = [
    ...(verified.stats.uncheckedUsers ?? []),
    ...(latecomers?.stats.uncheckedUsers ?? []),
    ...rootUnchecked,
  ];
  // The API walk reads the tags of every user with an active key: so must this scan, for the users
  // the report cleared, so that a malformed key-age tag is reported whichever strategy runs.
  const candidates = new Set(selection.candidates);
  const reportOnlyUserTags = knownTags
    ? rows
        .filter((row) => !candidates.has(row.userName) && row.accessKeys.some((key) => key.active))
        .flatMap((row) => {
          const tags = knownTags.get(row.userName);
          return tags && Object.keys(tags).some((key) => key.toLowerCase().startsWith("key-age:"))
            ? [{ userName: row.userName, tags }]
            : [];
        })
    : [];
  return {
    inventory: {
      users: [...verified.inventory.users, ...(latecomers?.inventory.users ?? [])],
      reportOnly: selection.reportOnly,
      ...rootAccessKey,
      ...(reportOnlyUserTags.length > 0 ? { reportOnlyUserTags } : {}),
    },
    stats: {
      apiCalls: reportCalls + verified.stats.apiCalls + (latecomers?.stats.apiCalls ?? 0),
      skippedUsers: [...verified.stats.skippedUsers, ...(latecomers?.stats.skippedUsers ?? [])].sort(),
      missingWatchedUsers,
      strategy: "credential-report",
      candidateUsers: selection.candidates.length,
      ...(unchecked.length > 0 ? { uncheckedUsers: unchecked } : {}),
    },
  };
}

/** The report's CSV text and when IAM generated it. */
export interface FetchedCredentialReport {
  /** The CSV. */
  readonly content: string;
  /** `GeneratedTime`: the report describes the account as of this moment. */
  readonly generatedAt: Date;
}

/**
 * Asks IAM for a credential report and waits for it: `GenerateCredentialReport` until it says
 * `COMPLETE` (it starts a new report only if the last one is over four hours old), then
 * `GetCredentialReport`. `ReportInProgress`, `ReportNotPresent`, `ReportExpired` and `LimitExceeded`
 * are waited out with a growing pause; anything else, or no report within `timeoutMs`, fails the scan.
 * `abortSignal` stops the calls, their retries and the pauses at once: a throttled account's report
 * never outlasts the account's time.
 */
export async function fetchCredentialReport(
  iam: IAMClient,
  options: {
    readonly countCall: () => void;
    readonly sleep: (ms: number) => Promise<void>;
    readonly timeoutMs: number;
    readonly now: () => Date;
    /** The scan's stop signal. @default undefined: only `timeoutMs` bounds the wait */
    readonly abortSignal?: AbortSignal;
  },
): Promise<FetchedCredentialReport> {
  const deadline = options.now().getTime() + options.timeoutMs;
  const signal = options.abortSignal;
  const abortable = signal ? { abortSignal: signal } : {};
  let pauseMs = 500;
  let lastState = "not requested";
  const outOfTime = (cause?: unknown) =>
    new ScanError("The time ran out before the credential report was ready", {
      cause: cause ?? new Error(`still ${lastState} when the scan's time was up`),
    });
  for (;;) {
    if (signal?.aborted) throw outOfTime();
    let complete = false;
    options.countCall();
    try {
      const { State } = await iam.send(new GenerateCredentialReportCommand({}), abortable);
      lastState = State ?? "unknown";
      complete = State === "COMPLETE";
    } catch (error) {
      if (signal?.aborted) throw outOfTime(error);
      if (!hasIamErrorCode(error, "LimitExceeded"))
        throw new ScanError("GenerateCredentialReport failed", { cause: error });
      lastState = "LimitExceeded";
    }
    if (complete) {
      options.countCall();
      try {
        const { Content, GeneratedTime } = await iam.send(new GetCredentialReportCommand({}), abortable);
        if (!Content || !GeneratedTime) throw new Error("the response has no Content or GeneratedTime");
        return { content: new TextDecoder().decode(Content), generatedAt: GeneratedTime };
      } catch (error) {
        if (signal?.aborted) throw outOfTime(error);
        // In progress: wait. Not present or expired (over four hours old): generate again.
        const code = (["ReportInProgress", "ReportNotPresent", "ReportExpired"] as const).find((c) =>
          hasIamErrorCode(error, c),
        );
        if (!code) throw new ScanError("GetCredentialReport failed", { cause: error });
        lastState = code;
      }
    }
    if (options.now().getTime() + pauseMs > deadline) {
      throw new ScanError("The credential report was not ready in time", {
        cause: new Error(`still ${lastState} after ${options.timeoutMs} ms`),
      });
    }
    await pause(options.sleep, pauseMs, signal);
    pauseMs = Math.min(pauseMs * 2, 5_000);
  }
}

/** `sleep(ms)`, cut short when `signal` aborts (the loop then stops on its next check). */
function pause(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void sleep(ms).then(done);
  });
}

/**
 * The root key as the credential report's `<root_account>` row describes it: the oldest active key's
 * creation and the latest use of an active key. No facts when the report shows no active root key
 * (one created since the report): `GetAccountSummary`, which is live, still says one exists.
 */
export function rootKeyFromReport(row: CredentialReportRow | undefined): RootAccessKeyRecord {
  const active = (row?.accessKeys ?? []).filter((key) => key.active);
  if (active.length === 0) return {};
  const createDate = new Date(Math.min(...active.map((key) => key.createDate.getTime())));
  const uses = active.flatMap((key) => (key.lastUsed instanceof Date ? [key.lastUsed.getTime()] : []));
  return { createDate, ...(uses.length > 0 ? { lastUsedDate: new Date(Math.max(...uses)) } : {}) };
}
