import { GetAccessKeyLastUsedCommand, type IAMClient } from "@aws-sdk/client-iam";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { isAccessDenied, isNoSuchEntity, ScanError } from "./iam-errors";

// An AWS Health event names a handful of keys at most; a bound keeps a malformed one cheap.
const MAX_EVENT_KEYS = 20;

/**
 * The users owning the keys an AWS Health exposure event named, as IAM says: `GetAccessKeyLastUsed`
 * answers with the key's `UserName`. These users are read live whatever `WATCH_USERS` or the credential
 * report say, so the event's key is classified with its age, last use and owner. A key IAM does not
 * know (`NoSuchEntity`), or one of another account (`AccessDenied`), has no owner here: the digest
 * names it as not found. Any other error fails the scan. Returns each owner once, in the event's order.
 */
export async function exposedKeyOwners(
  iam: IAMClient,
  accessKeyIds: readonly string[],
  countCall: () => void = () => undefined,
): Promise<string[]> {
  const owners = await mapWithConcurrency(accessKeyIds.slice(0, MAX_EVENT_KEYS), 4, async (accessKeyId) => {
    countCall();
    try {
      const { UserName } = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
      return UserName;
    } catch (error) {
      if (isNoSuchEntity(error) || isAccessDenied(error)) return undefined;
      throw new ScanError("GetAccessKeyLastUsed failed for a key named by an AWS Health exposure event", {
        cause: error,
      });
    }
  });
  return [...new Set(owners.filter((owner): owner is string => owner !== undefined && owner !== ""))];
}
