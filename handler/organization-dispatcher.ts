import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SQSClient } from "@aws-sdk/client-sqs";
import { accountMessage } from "./core/account-message";
import { errorFields } from "./core/error-fields";
import { createLogger } from "./core/logger";
import { loadOrganizationConfig, ORGANIZATION_VARIABLES } from "./core/organization-config";
import { parseRunTrigger } from "./core/run-trigger";
import { accountsToScan } from "./edges/accounts-to-scan";
import { SUPPORT_CLIENT_CONFIG } from "./edges/client-config";
import { sendAccountMessages } from "./edges/send-account-messages";
import type { HandlerContext } from "./index";

/** What one dispatcher run did; also its log line. */
export interface DispatchSummary {
  readonly accountsQueued: number;
  /** Suspended, closing or closed accounts skipped. */
  readonly inactiveAccountsSkipped: number;
  /** Active accounts the include/exclude settings left out. */
  readonly accountsFilteredOut: number;
  readonly sqsCalls: number;
  readonly durationMs: number;
}

/**
 * The organization's scheduled entry point (`index.dispatcher`): lists the accounts in scope and
 * queues one message per account for the worker. It scans nothing itself, so it stays fast however
 * large the organization: the accounts are scanned by worker invocations in parallel.
 */
export async function dispatcher(event: unknown, context?: HandlerContext): Promise<DispatchSummary> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  const started = Date.now();
  let org: OrganizationsClient | undefined;
  const sqs = new SQSClient(SUPPORT_CLIENT_CONFIG);
  try {
    const config = loadOrganizationConfig(process.env);
    if (!config.accountQueueUrl) throw new Error(`${ORGANIZATION_VARIABLES.accountQueueUrl} is not set`);
    const scope = await accountsToScan(config, () => (org ??= new OrganizationsClient(SUPPORT_CLIENT_CONFIG)));
    const trigger = parseRunTrigger(event);
    const messages = scope.accounts.map((account) => accountMessage(account, trigger));
    const { calls } = await sendAccountMessages(sqs, config.accountQueueUrl, messages);
    const summary: DispatchSummary = {
      accountsQueued: messages.length,
      inactiveAccountsSkipped: scope.inactive.length,
      accountsFilteredOut: scope.filteredOut,
      sqsCalls: calls,
      durationMs: Date.now() - started,
    };
    logger.info("key-age dispatch finished", { ...summary });
    return summary;
  } catch (error) {
    logger.error("key-age dispatch failed", { ...errorFields(error), durationMs: Date.now() - started });
    throw error;
  } finally {
    org?.destroy();
    sqs.destroy();
  }
}
