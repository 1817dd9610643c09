import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { inBatches, type AccountMessage } from "./account-message";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";

/** What {@link sendAccountMessages} did. */
export interface SendResult {
  /** Messages SQS accepted. */
  readonly sent: number;
  /** SendMessageBatch calls made (retries of refused entries included). */
  readonly calls: number;
}

/** Thrown when SQS keeps refusing some entries; names the accounts left unsent. */
export class DispatchError extends Error {
  constructor(
    readonly unsentAccounts: readonly string[],
    reason: string,
  ) {
    super(`could not queue ${unsentAccounts.length} accounts (${unsentAccounts.slice(0, 5).join(", ")}…): ${reason}`);
    this.name = "DispatchError";
  }
}

/**
 * Sends one message per account in batches of 10 (SendMessageBatch), a few batches at a time. Entries
 * SQS refuses inside a successful call are retried up to `attempts` times; then the run fails, naming
 * them, so the schedule's failure queue and alarm catch it.
 */
export async function sendAccountMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly AccountMessage[],
  options: { readonly concurrency?: number; readonly attempts?: number } = {},
): Promise<SendResult> {
  let calls = 0;
  let sent = 0;
  await mapWithConcurrency(inBatches(messages), options.concurrency ?? 4, async (batch) => {
    let pending = batch;
    let lastReason = "";
    for (let attempt = 0; attempt < (options.attempts ?? 3) && pending.length > 0; attempt += 1) {
      calls += 1;
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
      lastReason = (result.Failed ?? []).map((entry) => `${entry.Code}: ${entry.Message}`)[0] ?? "";
      sent += pending.length - failed.size;
      pending = pending.filter((_message, index) => failed.has(String(index)));
    }
    if (pending.length > 0) {
      throw new DispatchError(
        pending.map((message) => message.accountId),
        lastReason,
      );
    }
  });
  return { sent, calls };
}
