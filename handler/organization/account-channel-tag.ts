import { paginateListTagsForResource, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { ACCOUNT_CHANNEL_TAG } from "../runtime/aws-contract";

/**
 * The value of the account's `key-age:slack-channel` tag (`organizations:ListTagsForResource`, from
 * the management account or a delegated administrator), or undefined when the account has none.
 */
export async function readAccountChannelTag(
  org: OrganizationsClient,
  accountId: string,
  abortSignal?: AbortSignal,
): Promise<string | undefined> {
  for await (const page of paginateListTagsForResource(
    { client: org },
    { ResourceId: accountId },
    ...(abortSignal ? [{ abortSignal }] : []),
  )) {
    const tag = page.Tags?.find((entry) => entry.Key === ACCOUNT_CHANNEL_TAG);
    if (tag) return tag.Value?.trim() || undefined;
  }
  return undefined;
}
