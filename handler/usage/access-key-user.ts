import { GetAccessKeyLastUsedCommand, type IAMClient } from "@aws-sdk/client-iam";
import { isNoSuchEntity } from "../scan/iam-errors";
import type { UserLookupProblem } from "./summarize-usage";

/** The key's IAM user, or why it is unknown. */
export type AccessKeyUser =
  | { readonly user: string; readonly problem?: undefined }
  | { readonly user: null; readonly problem: UserLookupProblem };

function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "AccessDenied" || name === "AccessDeniedException";
}

/**
 * The user that owns `accessKeyId` (`iam:GetAccessKeyLastUsed` names it). A key of no user of this
 * account (`NoSuchEntity`) or a caller without the permission (`AccessDenied`) gives an unknown
 * user, which the summary states as a caveat; the key's CloudTrail events can still be read. Any
 * other error is thrown.
 */
export async function accessKeyUser(iam: IAMClient, accessKeyId: string): Promise<AccessKeyUser> {
  try {
    const { UserName } = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    return UserName ? { user: UserName } : { user: null, problem: { code: "no UserName" } };
  } catch (error) {
    if (isNoSuchEntity(error)) return { user: null, problem: { code: "NoSuchEntity" } };
    if (isAccessDenied(error)) return { user: null, problem: { code: "AccessDenied" } };
    throw error;
  }
}
