import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseAccountMessage } from "./account-message";
import { errorFields } from "../runtime/error-fields";
import { createLogger } from "../runtime/logger";
import type { HandlerContext } from "../container";
import { scanAndRecordAccount } from "./account-run";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SUPPORT_CLIENT_CONFIG } from "../runtime/client-config";
import { LeaseHeldError } from "../monitor/leased-run";
import { retrySoon } from "./retry-soon";

/**
 * The SQS client for {@link retrySoon}. Its queue URL is built from the record's ARN, so the client's
 * own resolved endpoint is used rather than the URL's host: the same host on AWS, and
 * `AWS_ENDPOINT_URL` keeps working (the SDK would otherwise send to the URL's host).
 */
function heldRetryClient(): SQSClient {
  return new SQSClient({ ...SUPPORT_CLIENT_CONFIG, useQueueUrlAsEndpoint: false });
}

/**
 * The organization's worker (`index.worker`), fed by the account queue: for each message, assume the
 * member role in that account and run the single-account path (scan → classify → alert state →
 * Slack) with that account's credentials and that account's partition of the state table.
 *
 * Each account gets its own time: the batch's accounts run side by side, each with a scan budget
 * from the invocation's whole remaining time, so a throttled or slow account never shortens another's
 * (run one after the other, the first account's budget was everyone's; `npm run bench` compares the
 * two). A failed account is reported as a partial batch failure, so only its message is retried
 * (then dead-lettered); the other accounts of the batch are not.
 */
export async function worker(event: SQSEvent, context?: HandlerContext): Promise<SQSBatchResponse> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  const records = event.Records ?? [];
  let sqs: SQSClient | undefined;
  const failed = await Promise.all(
    records.map(async (record) => {
      try {
        await scanAndRecordAccount(parseAccountMessage(record.body), logger, context);
        return undefined;
      } catch (error) {
        logger.error("key-age account scan failed", { messageId: record.messageId, ...errorFields(error) });
        // An exposure event behind another run's lease: back in a minute, not after the 30-minute timeout.
        if (error instanceof LeaseHeldError) await retrySoon((sqs ??= heldRetryClient()), record, logger);
        return record.messageId;
      }
    }),
  );
  sqs?.destroy();
  return {
    batchItemFailures: failed.flatMap((messageId) => (messageId === undefined ? [] : [{ itemIdentifier: messageId }])),
  };
}
