import { paginateListAccessKeys, UpdateAccessKeyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { isRootUser } from "./deactivation-schedule";
import { describeError } from "../runtime/error-fields";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import type { DeactivationOutcome, DueKey } from "./plan-enforcement";
import { isNoSuchEntity } from "../scan/iam-errors";

/** Options of {@link deactivateKeys}. */
export interface DeactivateKeysOptions {
  /** The IAM client. */
  readonly iam: IAMClient;
  /** Keys handled at once. @default 4 */
  readonly concurrency?: number;
  /** Called right after a key's deactivation succeeded (to record it before anything else can fail). @default nothing */
  readonly onDeactivated?: (key: DueKey) => Promise<void>;
  /** True once no further key may be started: the rest are left alone for the next run. @default never */
  readonly stopStarting?: () => boolean;
}

/**
 * Deactivates each due key with `UpdateAccessKey Status=Inactive`, by its key id
 * (never a user's other keys, never a delete). Right before acting it lists the user's keys again: a
 * key that is gone, no longer active, or has another creation date than the scan saw (rotated in the
 * meantime) is left alone. The root user's keys are never touched. Any other IAM error (such as
 * AccessDenied) leaves that key alone with the error as the reason, so the keys already deactivated
 * are still recorded and announced. Once `stopStarting` says so, the keys not yet started are left
 * alone (still due, so the next run deactivates them).
 */
export async function deactivateKeys(
  due: readonly DueKey[],
  options: DeactivateKeysOptions,
): Promise<DeactivationOutcome[]> {
  const { iam } = options;
  return mapWithConcurrency(due, options.concurrency ?? 4, async (key): Promise<DeactivationOutcome> => {
    const { finding } = key;
    const { accessKeyId, userName } = finding;
    if (options.stopStarting?.()) {
      return { accessKeyId, result: "left-alone", reason: "the run ran out of time; the next run deactivates it" };
    }
    if (isRootUser(userName))
      return { accessKeyId, result: "left-alone", reason: "the root user's keys are never touched" };
    let current: { status?: string; createDate?: Date } | undefined;
    try {
      for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
        const match = (page.AccessKeyMetadata ?? []).find((key) => key.AccessKeyId === accessKeyId);
        if (match) current = { status: match.Status, createDate: match.CreateDate };
      }
    } catch (error) {
      if (isNoSuchEntity(error)) return { accessKeyId, result: "left-alone", reason: "the user was deleted" };
      return { accessKeyId, result: "left-alone", reason: `the re-check failed: ${describeError(error)}` };
    }
    if (!current) return { accessKeyId, result: "left-alone", reason: "the key was deleted or rotated since the scan" };
    if (current.status !== "Active") {
      return { accessKeyId, result: "left-alone", reason: "the key was deactivated since the scan" };
    }
    const seconds = (date: Date | undefined) => Math.floor((date?.getTime() ?? Number.NaN) / 1000);
    if (seconds(current.createDate) !== seconds(finding.createDate)) {
      return { accessKeyId, result: "left-alone", reason: "the key's creation date changed since the scan" };
    }
    try {
      await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: "Inactive" }));
    } catch (error) {
      if (isNoSuchEntity(error))
        return { accessKeyId, result: "left-alone", reason: "the key was deleted since the scan" };
      return { accessKeyId, result: "left-alone", reason: `IAM refused the deactivation: ${describeError(error)}` };
    }
    await options.onDeactivated?.(key);
    return { accessKeyId, result: "deactivated" };
  });
}
