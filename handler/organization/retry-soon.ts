/**
 * A message whose account another run holds (an AWS Health exposure event behind a sweep's run, see
 * monitor/leased-run.ts) fails so that it is delivered again; left alone, SQS would deliver it again
 * only after the queue's visibility timeout (30 minutes). This edge shortens that to
 * {@link HELD_RETRY_SECONDS} with ChangeMessageVisibility, which the worker's role already has for
 * its event source mapping. It never throws: the message is redelivered either way.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";

/** How soon a held account's message is delivered again: longer than a run, far shorter than 30 minutes. */
export const HELD_RETRY_SECONDS = 60;

/** The queue URL of an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`); undefined when it is not one. */
export function queueUrlOfArn(arn: string): string | undefined {
  const [prefix, partition, service, region, account, name] = arn.split(":");
  if (prefix !== "arn" || service !== "sqs" || !region || !/^\d{12}$/.test(account ?? "") || !name) return undefined;
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/** Makes `record` visible again after {@link HELD_RETRY_SECONDS}; logs (never throws) when it cannot. */
export async function retrySoon(sqs: SQSClient, record: SQSRecord, logger: Logger): Promise<void> {
  const queueUrl = queueUrlOfArn(record.eventSourceARN ?? "");
  if (!queueUrl || !record.receiptHandle) return;
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: HELD_RETRY_SECONDS,
      }),
    );
  } catch (error) {
    logger.warn("could not bring a held account's message back sooner; SQS redelivers it after its timeout", {
      messageId: record.messageId,
      ...errorFields(error),
    });
  }
}
