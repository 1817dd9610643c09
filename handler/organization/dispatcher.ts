import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { accountMessage, accountsToQueue } from "./account-message";
import type { AccountScanRecord } from "./account-scan-record";
import { renderOrganizationSummary } from "./render-organization-summary";
import { staleAccounts, staleAccountsMetric } from "./stale-accounts";
import { createAccountScanStore } from "./account-scan-store";
import { errorFields } from "../runtime/error-fields";
import { createLogger } from "../runtime/logger";
import { loadOrganizationConfig, ORGANIZATION_VARIABLES } from "./organization-config";
import { parseRunTrigger } from "../runtime/run-trigger";
import { accountsToScan } from "./accounts-to-scan";
import { SUPPORT_CLIENT_CONFIG } from "../runtime/client-config";
import { sendAccountMessages } from "./send-account-messages";
import { containerState, slackDeps, type HandlerContext } from "../container";
import { postOne } from "./worker";

/** What one dispatcher run did; also its log line. */
export interface DispatchSummary {
  readonly accountsQueued: number;
  /** Suspended, closing or closed accounts skipped. */
  readonly inactiveAccountsSkipped: number;
  /** Active accounts the include/exclude settings left out. */
  readonly accountsFilteredOut: number;
  readonly sqsCalls: number;
  /** Accounts in scope not scanned successfully within `STALE_ACCOUNT_AFTER` (with the alert state). */
  readonly staleAccounts?: readonly string[];
  /** Present (true) when this heartbeat run posted the organization summary. @default undefined */
  readonly summaryPosted?: true;
  /**
   * An AWS Health exposure event started the run: its type, the account it is about, and whether that
   * account is in scope (only it is queued). @default undefined: a scheduled run
   */
  readonly exposureEvent?: { readonly eventTypeCode: string; readonly account: string; readonly inScope: boolean };
  readonly durationMs: number;
}

/** The scan records of these accounts; undefined without the alert state (no records). */
async function loadAccountScans(accountIds: readonly string[]): Promise<AccountScanRecord[] | undefined> {
  const tableName = process.env.ALERT_STATE_TABLE?.trim();
  if (!tableName) return undefined;
  const client = new DynamoDBClient(SUPPORT_CLIENT_CONFIG);
  try {
    return await createAccountScanStore({ client: DynamoDBDocumentClient.from(client), tableName }).loadMany(
      accountIds,
    );
  } finally {
    client.destroy();
  }
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
    const queue = accountsToQueue(scope.accounts, trigger);
    if (queue.exposureOutOfScope) {
      logger.warn("AWS Health exposure event about an account outside the scope: nothing queued", {
        account: queue.exposureOutOfScope,
        eventTypeCode: trigger.exposure?.eventTypeCode,
      });
    }
    const messages = queue.accounts.map((account) => accountMessage(account, trigger));
    const { calls } = await sendAccountMessages(sqs, config.accountQueueUrl, messages);
    const records = await loadAccountScans(scope.accounts.map((account) => account.id));
    // Accounts whose scans have been failing, or missing, for longer than allowed (alarmed on).
    const stale = records && staleAccounts(records, new Date(), config.staleAccountAfterMs).map((r) => r.accountId);
    // The heartbeat's all-clear is one organization summary posted here, once, rather than one per
    // quiet account: only the dispatcher sees every account in scope, and the workers never learn
    // when the last account of a run is done. It reports each account as of its last scan.
    if (trigger.heartbeat) {
      const state = containerState();
      await postOne(
        slackDeps(state, context),
        renderOrganizationSummary({
          accounts: scope.accounts,
          records: records ?? [],
          now: new Date(started),
          ...(state.config.environmentName ? { environmentName: state.config.environmentName } : {}),
        }),
        logger,
      );
    }
    const summary: DispatchSummary = {
      accountsQueued: messages.length,
      inactiveAccountsSkipped: scope.inactive.length,
      accountsFilteredOut: scope.filteredOut,
      sqsCalls: calls,
      ...(stale ? { staleAccounts: stale } : {}),
      ...(trigger.heartbeat ? { summaryPosted: true as const } : {}),
      ...(trigger.exposure
        ? {
            exposureEvent: {
              eventTypeCode: trigger.exposure.eventTypeCode,
              account: trigger.exposure.accountId ?? "unknown",
              inScope: queue.exposureOutOfScope === undefined,
            },
          }
        : {}),
      durationMs: Date.now() - started,
    };
    const environment = process.env.ENVIRONMENT_NAME?.trim() || "default";
    logger.info("key-age dispatch finished", {
      ...summary,
      ...(stale ? staleAccountsMetric(stale.length, environment, new Date(started)) : {}),
    });
    return summary;
  } catch (error) {
    logger.error("key-age dispatch failed", { ...errorFields(error), durationMs: Date.now() - started });
    throw error;
  } finally {
    org?.destroy();
    sqs.destroy();
  }
}
