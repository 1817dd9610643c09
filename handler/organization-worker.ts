import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseAccountMessage, type AccountMessage } from "./core/account-message";
import { recordsOfAccount, stampAccount } from "./core/account-alert-state";
import { errorFields } from "./core/error-fields";
import { createLogger, type Logger } from "./core/logger";
import { loadOrganizationConfig } from "./core/organization-config";
import { accountLabel } from "./core/organization-scope";
import { assumeMemberRole, memberIamClient } from "./edges/member-credentials";
import { scannerFor } from "./edges/select-scanner";
import { containerState, slackDeps, type HandlerContext } from "./index";
import { runMonitor, type RunSummary } from "./run-monitor";

/**
 * The organization's worker (`index.worker`), fed by the account queue: for each message, assume the
 * member role in that account and run the single-account path (scan → classify → alert state →
 * Slack) with that account's credentials and that account's slice of the alert state. A failed
 * account is reported as a partial batch failure, so only its message is retried (then dead-lettered);
 * the other accounts of the batch are not.
 */
export async function worker(event: SQSEvent, context?: HandlerContext): Promise<SQSBatchResponse> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records ?? []) {
    try {
      await scanMemberAccount(parseAccountMessage(record.body), logger, context);
    } catch (error) {
      logger.error("key-age account scan failed", { messageId: record.messageId, ...errorFields(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** One account's run: the same runMonitor as the single-account function, another source of credentials. */
export async function scanMemberAccount(
  message: AccountMessage,
  parentLogger: Logger,
  context?: HandlerContext,
): Promise<RunSummary> {
  const state = containerState();
  const { config, sts, alertState } = state;
  const organization = loadOrganizationConfig(process.env);
  const logger = parentLogger.child({ account: message.accountId });
  const credentials = await assumeMemberRole({
    sts: sts(),
    accountId: message.accountId,
    roleName: organization.memberRoleName,
  });
  const iam = memberIamClient(credentials);
  try {
    return await runMonitor({
      ...slackDeps(state, context),
      logger,
      trigger: {
        heartbeat: message.heartbeat,
        ...(message.eventId !== undefined ? { eventId: message.eventId } : {}),
      },
      ...(alertState
        ? {
            alertState: {
              load: async () => recordsOfAccount(await alertState.load(), message.accountId),
              apply: (changes) => alertState.apply(stampAccount(changes, message.accountId)),
            },
          }
        : {}),
      scan: scannerFor(config, { iam }),
      // The digest names the account by id and name, so one channel can serve many accounts.
      accountId: async () => accountLabel({ id: message.accountId, name: message.accountName }),
    });
  } finally {
    iam.destroy();
  }
}
