import {
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  paginateListAccessKeys,
  paginateListUserTags,
  paginateListUsers,
  type IAMClient,
} from "@aws-sdk/client-iam";
import type { AccessKeyRecord, ScanResult, UserRecord } from "../core/inventory";
import { DEFAULT_SCAN_CONCURRENCY } from "../core/config";
import { describeError } from "../core/error-fields";
import { mapWithConcurrency } from "../core/map-with-concurrency";
import { isNoSuchEntity } from "./iam-errors";

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
}

/** Thrown when a scan cannot complete; the run must fail rather than report "all clear". */
export class ScanError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`${message}: ${describeError(options.cause)}`, options);
    this.name = "ScanError";
  }
}

/**
 * Lists users (every page, or `GetUser` for each watched user), each user's access keys (every page)
 * and the last use of each active key. A user deleted mid-scan (`NoSuchEntity`) is skipped and
 * counted; any other error fails the scan with a {@link ScanError}.
 */
export async function scanAccount(options: ScanAccountOptions): Promise<ScanResult> {
  const { iam } = options;
  let apiCalls = 0;
  const skippedUsers: string[] = [];
  const missingWatchedUsers: string[] = [];
  const watchUsers = options.watchUsers ?? [];
  const concurrency = options.concurrency ?? DEFAULT_SCAN_CONCURRENCY;

  const userNames: string[] = [];
  if (options.userNames) {
    userNames.push(...options.userNames);
  } else if (watchUsers.length === 0) {
    try {
      for await (const page of paginateListUsers({ client: iam }, {})) {
        apiCalls += 1;
        for (const user of page.Users ?? []) if (user.UserName) userNames.push(user.UserName);
      }
    } catch (error) {
      throw new ScanError("ListUsers failed", { cause: error });
    }
  } else {
    // GetUser, unlike ListAccessKeys, tells "no such user" apart from a user without keys.
    const found = await mapWithConcurrency(watchUsers, concurrency, async (userName) => {
      apiCalls += 1;
      try {
        await iam.send(new GetUserCommand({ UserName: userName }));
        return true;
      } catch (error) {
        if (isNoSuchEntity(error)) return false;
        throw new ScanError(`GetUser failed for user ${userName}`, { cause: error });
      }
    });
    watchUsers.forEach((userName, index) => (found[index] ? userNames : missingWatchedUsers).push(userName));
  }

  const scanned = await mapWithConcurrency(userNames, concurrency, async (userName) => {
    try {
      return await scanUser(userName, () => (apiCalls += 1));
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
      skippedUsers.push(userName);
      return undefined;
    }
  });

  return {
    inventory: { users: scanned.filter((user): user is UserRecord => user !== undefined) },
    stats: { apiCalls, skippedUsers: skippedUsers.sort(), missingWatchedUsers },
  };

  async function scanUser(userName: string, countCall: () => void): Promise<UserRecord> {
    const accessKeys: AccessKeyRecord[] = [];
    try {
      for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
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
      if (isNoSuchEntity(error)) throw error;
      throw new ScanError(`ListAccessKeys failed for user ${userName}`, { cause: error });
    }
    // Last use only matters for active keys: inactive keys are listed, never alerted.
    const withLastUse: AccessKeyRecord[] = [];
    for (const key of accessKeys) {
      if (key.state !== "Active") {
        withLastUse.push(key);
        continue;
      }
      countCall();
      try {
        const { AccessKeyLastUsed: lastUsed } = await iam.send(
          new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }),
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
        if (isNoSuchEntity(error)) throw error;
        throw new ScanError(`GetAccessKeyLastUsed failed for user ${userName}`, { cause: error });
      }
    }
    // Tags (owner, exemption, per-user ages) only matter for keys that can be alerted.
    if (!withLastUse.some((key) => key.state === "Active")) return { userName, accessKeys: withLastUse };
    const tags = options.knownTags?.get(userName) ?? (await listUserTags(iam, userName, countCall));
    return { userName, accessKeys: withLastUse, tags };
  }
}

/**
 * Reads every page of a user's tags. `NoSuchEntity` propagates so the caller skips the user like any
 * user deleted mid-scan; any other error fails the scan: a missed exemption is better than a missed
 * owner or a wrongly silenced key, but neither is acceptable without the run failing.
 */
export async function listUserTags(
  iam: IAMClient,
  userName: string,
  countCall: () => void = () => undefined,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  try {
    for await (const page of paginateListUserTags({ client: iam }, { UserName: userName })) {
      countCall();
      // An answer without a body is a page without tags.
      for (const tag of page?.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
    }
  } catch (error) {
    if (isNoSuchEntity(error)) throw error;
    throw new ScanError(`ListUserTags failed for user ${userName}`, { cause: error });
  }
  return tags;
}
