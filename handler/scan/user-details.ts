import {
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedUserPolicies,
  paginateListUserTags,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { isNoSuchEntity, ScanError } from "./iam-errors";

/**
 * Reads every page of a user's tags. `NoSuchEntity` propagates so the caller skips the user like any
 * user deleted mid-scan; any other error fails the scan: a missed exemption is better than a missed
 * owner or a wrongly silenced key, but neither is acceptable without the run failing.
 */
export async function listUserTags(
  iam: IAMClient,
  userName: string,
  countCall: () => void = () => undefined,
  abortSignal?: AbortSignal,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  try {
    for await (const page of paginateListUserTags(
      { client: iam },
      { UserName: userName },
      abortSignal ? { abortSignal } : {},
    )) {
      countCall();
      // An answer without a body is a page without tags.
      for (const tag of page?.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
    }
  } catch (error) {
    if (isNoSuchEntity(error) || abortSignal?.aborted) throw error;
    throw new ScanError(`ListUserTags failed for user ${userName}`, { cause: error });
  }
  return tags;
}

/**
 * Reads every page of the managed policies attached to a user (`ListAttachedUserPolicies`), as ARNs:
 * AWS marks a leaked key by attaching its quarantine policy to the user. Errors as {@link listUserTags}:
 * a missed quarantine policy would report an exposed key as fine.
 */
export async function listAttachedPolicyArns(
  iam: IAMClient,
  userName: string,
  countCall: () => void = () => undefined,
  abortSignal?: AbortSignal,
): Promise<string[]> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListAttachedUserPolicies(
      { client: iam },
      { UserName: userName },
      abortSignal ? { abortSignal } : {},
    )) {
      countCall();
      for (const policy of page?.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
  } catch (error) {
    if (isNoSuchEntity(error) || abortSignal?.aborted) throw error;
    throw new ScanError(`ListAttachedUserPolicies failed for user ${userName}`, { cause: error });
  }
  return arns;
}

/** One user from `GetAccountAuthorizationDetails`. */
export interface UserDetails {
  /** The IAM user name. */
  readonly userName: string;
  /** The user's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** The ARNs of the managed policies attached to the user (not through groups). */
  readonly attachedPolicyArns: readonly string[];
}

/**
 * Lists every user with their tags and attached managed policies through
 * `GetAccountAuthorizationDetails` (Filter=User), up to 1,000 users a page: a 5,000-user account takes
 * five calls instead of 5,000 `ListUserTags` and 5,000 `ListAttachedUserPolicies`.
 */
export async function listUserDetails(
  iam: IAMClient,
  countCall: () => void,
  abortSignal?: AbortSignal,
): Promise<UserDetails[]> {
  const users: UserDetails[] = [];
  try {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ["User"] },
      ...(abortSignal ? [{ abortSignal }] : []),
    )) {
      countCall();
      for (const user of page.UserDetailList ?? []) {
        if (!user.UserName) continue;
        const tags: Record<string, string> = {};
        for (const tag of user.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
        const attachedPolicyArns = (user.AttachedManagedPolicies ?? []).flatMap((policy) =>
          policy.PolicyArn ? [policy.PolicyArn] : [],
        );
        users.push({ userName: user.UserName, tags, attachedPolicyArns });
      }
    }
  } catch (error) {
    if (abortSignal?.aborted) {
      throw new ScanError("The time ran out while listing the users and their tags", { cause: error });
    }
    throw new ScanError("GetAccountAuthorizationDetails failed", { cause: error });
  }
  return users;
}
