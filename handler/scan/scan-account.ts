import {
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetUserCommand,
  paginateListAccessKeys,
  paginateListUsers,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { setMaxListeners } from "node:events";
import { ROOT_USER_NAME, type AccessKeyRecord, type ScanResult, type UserRecord } from "./inventory";
import { DEFAULT_SCAN_CONCURRENCY } from "../runtime/config/config";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { checkOrder, UNLIMITED_BUDGET, type ScanBudget } from "./scan-budget";
import { isNoSuchEntity, ScanError } from "./iam-errors";
import { listAttachedPolicyArns, listUserTags } from "./user-details";
import { userNameSet } from "./user-names";

/** Options of {@link scanAccount}. */
export interface ScanAccountOptions {
  /** The IAM client; build it with `retryMode: "adaptive"` so throttling is absorbed by the SDK. */
  readonly iam: IAMClient;
  /** Scan only these users; a name that does not exist is reported, not ignored. @default []: every user */
  readonly watchUsers?: readonly string[];
  /** Users processed at once. IAM's request quota is account-wide, so keep this modest. @default DEFAULT_SCAN_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * Scan exactly these users, known to exist (the credential-report scan's candidates): no ListUsers or
   * GetUser; one that vanished since is skipped like any user deleted mid-scan. Overrides `watchUsers`.
   * @default undefined: list the users
   */
  readonly userNames?: readonly string[];
  /**
   * Tags already read for these users (the credential-report scan lists every user with tags): a
   * user found here needs no ListUserTags call. @default none: ListUserTags per user with an active key
   */
  readonly knownTags?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /**
   * Attached managed policies already read for these users (with their tags, through
   * `GetAccountAuthorizationDetails`): a user found here needs no ListAttachedUserPolicies call.
   * @default none: ListAttachedUserPolicies per user with an active key
   */
  readonly knownPolicies?: ReadonlyMap<string, readonly string[]>;
  /**
   * Users to scan besides the listed or watched ones, known to exist: the owners of keys an AWS Health
   * exposure event named, checked whatever `watchUsers` says. @default []
   */
  readonly alsoUsers?: readonly string[];
  /**
   * When to stop: users not started by then are returned in `stats.uncheckedUsers`, and requests still
   * in flight when it runs out are abandoned (their users are unchecked too). @default UNLIMITED_BUDGET
   */
  readonly budget?: ScanBudget;
  /** Users to check before the others (the previous run's unchecked users), if they exist. @default [] */
  readonly checkFirst?: readonly string[];
  /**
   * Ask `GetAccountSummary` whether the root user has an access key. The root user is not a listed
   * user, so only this call sees its keys. @default true, unless `userNames` is given
   */
  readonly rootAccessKey?: boolean;
  /**
   * Also look up the last use of inactive keys (one call each), for a listing that shows it.
   * @default false: inactive keys are never alerted, so the function does not spend calls on them
   */
  readonly inactiveKeyLastUse?: boolean;
}

export { ScanError } from "./iam-errors";
export { listUserTags } from "./user-details";

/**
 * Lists users (every page, or `GetUser` for each watched user), each user's access keys (every page),
 * the last use of each active key, and the tags and attached policies of users with an active key. A user deleted mid-scan (`NoSuchEntity`) is skipped and
 * counted; any other error fails the scan with a {@link ScanError}.
 */
export async function scanAccount(options: ScanAccountOptions): Promise<ScanResult> {
  const budget = options.budget ?? UNLIMITED_BUDGET;
  return withStopSignal(budget, (signal) => scanUsers(options, budget, signal));
}

/** Runs `work` with a signal that aborts when the budget's time is up (see {@link ScanBudget.msUntilStop}). */
export async function withStopSignal<T>(budget: ScanBudget, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  // Every request in flight listens on it (SCAN_CONCURRENCY and more): not a leak.
  setMaxListeners(0, stop.signal);
  const untilStop = budget.msUntilStop();
  const stopTimer = Number.isFinite(untilStop) ? setTimeout(() => stop.abort(), untilStop) : undefined;
  stopTimer?.unref();
  try {
    return await work(stop.signal);
  } finally {
    clearTimeout(stopTimer);
  }
}

async function scanUsers(
  options: ScanAccountOptions,
  budget: ScanBudget,
  stopSignal: AbortSignal,
): Promise<ScanResult> {
  const { iam } = options;
  const abortable = { abortSignal: stopSignal };
  let apiCalls = 0;
  const skippedUsers: string[] = [];
  const missingWatchedUsers: string[] = [];
  const uncheckedUsers: string[] = [];
  const watchUsers = options.watchUsers ?? [];
  // Out of time: the user is left for the next run instead of failing the scan.
  const outOfTime = (): boolean => stopSignal.aborted || budget.stopStarting();
  const concurrency = options.concurrency ?? DEFAULT_SCAN_CONCURRENCY;

  // Out of time, the root check is left unchecked like a user: never an all-clear.
  const rootKeyCheck: Promise<RootKeyCheck> =
    (options.rootAccessKey ?? options.userNames === undefined)
      ? outOfTime()
        ? Promise.resolve("unchecked")
        : hasRootAccessKey(iam, () => (apiCalls += 1), stopSignal)
      : Promise.resolve(false);
  // Settled here so that a failure of the listing does not leave this promise's rejection unhandled.
  const rootKey = rootKeyCheck.then(
    (present) => ({ present }),
    (error: unknown) => ({ error }),
  );

  const userNames: string[] = [];
  if (options.userNames) {
    userNames.push(...options.userNames);
  } else if (watchUsers.length === 0) {
    try {
      for await (const page of paginateListUsers({ client: iam }, {}, abortable)) {
        apiCalls += 1;
        for (const user of page.Users ?? []) if (user.UserName) userNames.push(user.UserName);
      }
    } catch (error) {
      throw new ScanError(stopSignal.aborted ? "The time ran out while listing users" : "ListUsers failed", {
        cause: error,
      });
    }
  } else {
    // GetUser, unlike ListAccessKeys, tells "no such user" apart. IAM matches names regardless of
    // case, so the user's own spelling is kept: it is what the credential report and messages show.
    const found = await mapWithConcurrency(watchUsers, concurrency, async (userName) => {
      if (outOfTime()) return "unchecked";
      apiCalls += 1;
      try {
        const { User } = await iam.send(new GetUserCommand({ UserName: userName }), abortable);
        return { canonical: User?.UserName ?? userName };
      } catch (error) {
        if (isNoSuchEntity(error)) return "missing";
        if (stopSignal.aborted) return "unchecked";
        throw new ScanError(`GetUser failed for user ${userName}`, { cause: error });
      }
    });
    // IAM matches names regardless of case: the user's own spelling is kept, once.
    watchUsers.forEach((userName, index) => {
      const result = found[index];
      if (result === "missing") missingWatchedUsers.push(userName);
      else if (result === "unchecked") uncheckedUsers.push(userName);
      else if (!userNames.includes(result.canonical)) userNames.push(result.canonical);
    });
  }

  // An exposure event's keys are checked whatever the watch list says; a full listing has them already.
  if (options.userNames !== undefined || watchUsers.length > 0) {
    for (const userName of options.alsoUsers ?? []) {
      if (!userNameSet(userNames).has(userName)) userNames.push(userName);
    }
  }

  const order = checkOrder(userNames, options.checkFirst ?? []);
  const scanned = await mapWithConcurrency(order, concurrency, async (userName) => {
    if (outOfTime()) {
      uncheckedUsers.push(userName);
      return undefined;
    }
    try {
      return await scanUser(userName, () => (apiCalls += 1));
    } catch (error) {
      if (stopSignal.aborted) {
        uncheckedUsers.push(userName);
        return undefined;
      }
      if (!isNoSuchEntity(error)) throw error;
      skippedUsers.push(userName);
      return undefined;
    }
  });

  const root = await rootKey;
  if ("error" in root) throw root.error;
  if (root.present === "unchecked") uncheckedUsers.push(ROOT_USER_NAME);
  return {
    inventory: {
      users: scanned.filter((user): user is UserRecord => user !== undefined),
      ...(root.present === true ? { rootAccessKey: {} } : {}),
    },
    stats: {
      apiCalls,
      skippedUsers: skippedUsers.sort(),
      missingWatchedUsers,
      ...(uncheckedUsers.length > 0 ? { uncheckedUsers } : {}),
    },
  };

  async function scanUser(userName: string, countCall: () => void): Promise<UserRecord> {
    const accessKeys: AccessKeyRecord[] = [];
    try {
      for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName }, abortable)) {
        countCall();
        for (const key of page.AccessKeyMetadata ?? []) {
          if (!key.AccessKeyId || !key.CreateDate) continue;
          accessKeys.push({
            accessKeyId: key.AccessKeyId,
            state: key.Status === "Active" ? "Active" : "Inactive",
            createDate: key.CreateDate,
          });
        }
      }
    } catch (error) {
      if (isNoSuchEntity(error) || stopSignal.aborted) throw error;
      throw new ScanError(`ListAccessKeys failed for user ${userName}`, { cause: error });
    }
    // Last use only matters for active keys: inactive keys are listed, never alerted.
    const withLastUse: AccessKeyRecord[] = [];
    for (const key of accessKeys) {
      if (key.state !== "Active" && !options.inactiveKeyLastUse) {
        withLastUse.push(key);
        continue;
      }
      countCall();
      try {
        const { AccessKeyLastUsed: lastUsed } = await iam.send(
          new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }),
          abortable,
        );
        withLastUse.push({
          ...key,
          ...(lastUsed?.LastUsedDate ? { lastUsedDate: lastUsed.LastUsedDate } : {}),
          // IAM answers "N/A" for a key that was never used.
          ...(lastUsed?.LastUsedDate && lastUsed.ServiceName && lastUsed.ServiceName !== "N/A"
            ? { lastUsedService: lastUsed.ServiceName }
            : {}),
        });
      } catch (error) {
        // The key (and so possibly its user) vanished between the calls: skip the user like ListAccessKeys does.
        if (isNoSuchEntity(error) || stopSignal.aborted) throw error;
        throw new ScanError(`GetAccessKeyLastUsed failed for user ${userName}`, { cause: error });
      }
    }
    // Tags (owner, exemption, per-user ages) and quarantine policies only matter for keys that can be alerted.
    if (!withLastUse.some((key) => key.state === "Active")) return { userName, accessKeys: withLastUse };
    const tags = options.knownTags?.get(userName) ?? (await listUserTags(iam, userName, countCall, stopSignal));
    const attachedPolicyArns =
      options.knownPolicies?.get(userName) ?? (await listAttachedPolicyArns(iam, userName, countCall, stopSignal));
    return { userName, accessKeys: withLastUse, tags, attachedPolicyArns };
  }
}

/** Whether the root user has an access key, or `unchecked` when the scan's time ran out first. */
export type RootKeyCheck = boolean | "unchecked";

/**
 * Whether the root user has an access key right now: `GetAccountSummary`'s `AccountAccessKeysPresent`
 * (no user listing shows root keys). A failure fails the scan: a root key must never go unseen. When
 * `abortSignal` stops the call (the scan's time is up) the answer is `unchecked`, which the caller
 * reports like an unchecked user (as {@link ROOT_USER_NAME}).
 */
export async function hasRootAccessKey(
  iam: IAMClient,
  countCall: () => void,
  abortSignal?: AbortSignal,
): Promise<RootKeyCheck> {
  if (abortSignal?.aborted) return "unchecked";
  countCall();
  try {
    const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}), abortSignal ? { abortSignal } : {});
    return (SummaryMap?.AccountAccessKeysPresent ?? 0) > 0;
  } catch (error) {
    if (abortSignal?.aborted) return "unchecked";
    throw new ScanError("GetAccountSummary failed", { cause: error });
  }
}
