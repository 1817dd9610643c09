import { paginateListAccessKeys, UpdateAccessKeyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { isRootUser } from "./deactivation-schedule";
import { describeError } from "../runtime/error-fields";
import type { DeactivationOutcome, DueKey } from "./enforcement-events";
import { isNoSuchEntity } from "../scan/iam-errors";

/** The state writes around each deactivation: the intent before, the outcome after. */
export interface DeactivationRecorder {
  /** Records the intent to deactivate the key; a failure leaves the key alone. */
  readonly recordIntent: (key: DueKey) => Promise<void>;
  /** Records that the key was deactivated; a failure still reports the deactivation. */
  readonly recordDeactivation: (key: DueKey) => Promise<void>;
  /** Withdraws the intent of a key IAM did not deactivate after all. */
  readonly withdrawIntent: (key: DueKey) => Promise<void>;
}

/** Options of {@link deactivateKeys}. */
export interface DeactivateKeysOptions extends Partial<DeactivationRecorder> {
  /** The IAM client. */
  readonly iam: IAMClient;
  /** True once no further key may be started (too little time left): the rest wait for the next run. @default never */
  readonly stopStarting?: () => boolean;
}

/**
 * Deactivates each due key with `UpdateAccessKey Status=Inactive`, by its key id (never a user's
 * other keys, never a delete), one key at a time. Right before acting it lists the user's keys
 * again: a key that is gone, no longer active, or has another creation date than the scan saw
 * (rotated in the meantime) is left alone. The root user's keys are never touched.
 * Write ahead: the intent is recorded before the IAM call, and a key whose intent could not be
 * recorded is not touched. Once any state write failed, or `stopStarting` says so, no further key is
 * started: those are left alone (still due, so a later run deactivates them). A key deactivated whose
 * record then failed is still reported as deactivated, with the failure, so it is announced.
 */
export async function deactivateKeys(
  due: readonly DueKey[],
  options: DeactivateKeysOptions,
): Promise<DeactivationOutcome[]> {
  const outcomes: DeactivationOutcome[] = [];
  let writeFailed = false;
  for (const key of due) {
    const { accessKeyId } = key.finding;
    if (writeFailed) {
      outcomes.push({
        accessKeyId,
        result: "left-alone",
        reason: "not started: a state write failed earlier in this run; a later run deactivates it",
      });
      continue;
    }
    if (options.stopStarting?.()) {
      outcomes.push({
        accessKeyId,
        result: "left-alone",
        reason: "the run ran out of time; the next run deactivates it",
      });
      continue;
    }
    const outcome = await deactivateOne(key, options);
    if ("writeFailed" in outcome) writeFailed = true;
    outcomes.push(outcome.outcome);
  }
  return outcomes;
}

type Step = { readonly outcome: DeactivationOutcome; readonly writeFailed?: true };

async function deactivateOne(key: DueKey, options: DeactivateKeysOptions): Promise<Step> {
  const { iam } = options;
  const { accessKeyId, userName } = key.finding;
  const leftAlone = (reason: string): Step => ({ outcome: { accessKeyId, result: "left-alone", reason } });
  if (isRootUser(userName)) return leftAlone("the root user's keys are never touched");
  const recheck = await recheckKey(iam, key);
  if (recheck) return leftAlone(recheck);
  try {
    await options.recordIntent?.(key);
  } catch (error) {
    return {
      outcome: {
        accessKeyId,
        result: "left-alone",
        reason: `the intent could not be recorded, so the key was not touched: ${describeError(error)}`,
      },
      writeFailed: true,
    };
  }
  try {
    await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: "Inactive" }));
  } catch (error) {
    const reason = isNoSuchEntity(error)
      ? "the key was deleted since the scan"
      : `IAM refused the deactivation: ${describeError(error)}`;
    try {
      await options.withdrawIntent?.(key);
    } catch {
      return { ...leftAlone(reason), writeFailed: true };
    }
    return leftAlone(reason);
  }
  try {
    await options.recordDeactivation?.(key);
  } catch (error) {
    return { outcome: { accessKeyId, result: "deactivated", recordFailed: describeError(error) }, writeFailed: true };
  }
  return { outcome: { accessKeyId, result: "deactivated" } };
}

/** Why the key must be left alone now, or undefined when it is still the active key the scan saw. */
async function recheckKey(iam: IAMClient, key: DueKey): Promise<string | undefined> {
  const { finding } = key;
  let current: { status?: string; createDate?: Date } | undefined;
  try {
    for await (const page of paginateListAccessKeys({ client: iam }, { UserName: finding.userName })) {
      const match = (page.AccessKeyMetadata ?? []).find((listed) => listed.AccessKeyId === finding.accessKeyId);
      if (match) current = { status: match.Status, createDate: match.CreateDate };
    }
  } catch (error) {
    if (isNoSuchEntity(error)) return "the user was deleted";
    return `the re-check failed: ${describeError(error)}`;
  }
  if (!current) return "the key was deleted or rotated since the scan";
  if (current.status !== "Active") return "the key was deactivated since the scan";
  const seconds = (date: Date | undefined) => Math.floor((date?.getTime() ?? Number.NaN) / 1000);
  if (seconds(current.createDate) !== seconds(finding.createDate)) {
    return "the key's creation date changed since the scan";
  }
  return undefined;
}
