import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parseAccountMessage, type AccountMessage } from "./account-message";
import { planAccountScan, type AccountScanOutcome } from "./account-scan-record";
import { describeError } from "../runtime/error-fields";
import { renderAccountStatus } from "./render-account-status";
import type { SlackMessage } from "../slack/slack-message";
import { createAccountScanStore, type AccountScanStore } from "./account-scan-store";
import { AlertStateError } from "../alerts/alert-state-store";
import { SUPPORT_CLIENT_CONFIG } from "../runtime/client-config";
import { SlackDeliveryError } from "../slack/deliver-to-slack";
import { SlackApiError } from "../slack/slack-web-api";
import { WebhookSecretError } from "../slack/webhook-secret";
import { recordsOfAccount, stampAccount } from "../alerts/account-alert-state";
import { errorFields } from "../runtime/error-fields";
import { scanBudget, UNLIMITED_BUDGET } from "../scan/scan-budget";
import { createLogger, type Logger } from "../runtime/logger";
import { loadOrganizationConfig } from "./organization-config";
import { accountLabel } from "./organization-scope";
import { assumeMemberRole, memberIamClient } from "./member-credentials";
import { scannerFor } from "../scan/select-scanner";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ACCOUNT_CHANNEL_TAG } from "../runtime/aws-contract";
import { channelForAccount } from "./channel-routing";
import { isSlackChannel } from "../runtime/config/config";
import { readAccountChannelTag } from "./account-channel-tag";
import { containerState, slackDeps, type Container, type HandlerContext } from "../container";
import { runMonitor, type RunSummary } from "../monitor/run-monitor";
import { securityHubDeps } from "../monitor/security-hub-deps";
import { createSecurityHubClient } from "../security-hub/import-findings";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";

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
      await scanAndRecordAccount(parseAccountMessage(record.body), logger, context);
    } catch (error) {
      logger.error("key-age account scan failed", { messageId: record.messageId, ...errorFields(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

let accountScans: AccountScanStore | undefined;

/** The per-account records in the alert-state table; undefined when the monitor is stateless. */
function accountScanStore(tableName: string | undefined): AccountScanStore | undefined {
  if (!tableName) return undefined;
  accountScans ??= createAccountScanStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient(SUPPORT_CLIENT_CONFIG)),
    tableName,
  });
  return accountScans;
}

/** True for a failure of the account itself (role, scan), not of Slack or of the monitor's own table. */
function isAccountFailure(error: unknown): boolean {
  return !(
    error instanceof SlackDeliveryError ||
    error instanceof SlackApiError ||
    error instanceof WebhookSecretError ||
    error instanceof AlertStateError
  );
}

/**
 * Scans the account, then keeps its scan record: last success and counts, or the failure, which is
 * announced once ("account 111… could not be scanned: <cause>"), reminded and resolved like a key.
 * A failure is still rethrown, so the message is retried and then dead-lettered.
 */
export async function scanAndRecordAccount(
  message: AccountMessage,
  logger: Logger,
  context?: HandlerContext,
): Promise<void> {
  const state = containerState();
  const { config } = state;
  const store = accountScanStore(config.alertStateTable);
  const previous = await store?.load(message.accountId);
  let failure: unknown;
  let summary: RunSummary | undefined;
  try {
    summary = await scanMemberAccount(message, logger, context);
  } catch (error) {
    failure = error;
  }
  if (store && (summary || isAccountFailure(failure))) {
    const outcome: AccountScanOutcome = summary
      ? { ok: true, counts: summary.counts }
      : { ok: false, error: describeError(failure) };
    const plan = planAccountScan(
      previous,
      { id: message.accountId, ...(message.accountName ? { name: message.accountName } : {}) },
      outcome,
      new Date(),
      config.remindEvery.ms,
    );
    if (plan.announce) {
      const organization = loadOrganizationConfig(process.env);
      const text = renderAccountStatus({
        kind: plan.announce,
        record: plan.record,
        roleName: organization.memberRoleName,
        ...(config.environmentName ? { environmentName: config.environmentName } : {}),
      });
      // Recorded only once Slack accepted it: a failed post is announced again on the next attempt.
      await postOne(accountSlackDeps(state, message.accountId, logger, context), text, logger);
    }
    await store.put(plan.record);
  }
  if (failure) throw failure;
}

/**
 * The Slack side of one account's run: with the Slack app, its messages go to the account's channel
 * (`SLACK_CHANNELS_BY_ACCOUNT`, then the account's `key-age:slack-channel` tag when
 * `SLACK_CHANNEL_FROM_ACCOUNT_TAG` is true, else `SLACK_CHANNEL`); a webhook has one channel for all.
 */
function accountSlackDeps(
  state: Container,
  accountId: string,
  logger: Logger,
  context?: HandlerContext,
): ReturnType<typeof slackDeps> {
  const deps = slackDeps(state, context);
  const app = state.config.slackApp;
  const connect = deps.slackApp;
  if (!app || !connect) return deps;
  let channel: Promise<string> | undefined;
  const channelOfAccount = async (): Promise<string> => {
    const listed = app.channelsByAccount[accountId];
    if (listed || !app.channelFromAccountTag) return channelForAccount(accountId, app.channelsByAccount, app.channel);
    return channelForAccount(accountId, app.channelsByAccount, app.channel, await taggedChannel(accountId, logger));
  };
  return { ...deps, slackApp: async () => (await connect()).inChannel(await (channel ??= channelOfAccount())) };
}

let organizations: OrganizationsClient | undefined;

/**
 * The channel the account's tag names, or undefined: a tag that is no channel, or a failed read, is
 * logged and the account's messages go to the default channel, so its keys are still named.
 */
async function taggedChannel(accountId: string, logger: Logger): Promise<string | undefined> {
  try {
    const value = await readAccountChannelTag(
      (organizations ??= new OrganizationsClient(SUPPORT_CLIENT_CONFIG)),
      accountId,
    );
    if (value === undefined || isSlackChannel(value)) return value;
    logger.warn("account channel tag is not a Slack channel; using the default channel", {
      account: accountId,
      tag: ACCOUNT_CHANNEL_TAG,
      value,
    });
  } catch (error) {
    logger.warn("account channel tag could not be read; using the default channel", {
      account: accountId,
      tag: ACCOUNT_CHANNEL_TAG,
      ...errorFields(error),
    });
  }
  return undefined;
}

/** Posts one message the way the run posts its digest: the Slack app, the webhook, or the log (dry run). */
export async function postOne(
  deps: ReturnType<typeof slackDeps>,
  message: SlackMessage,
  logger: Logger,
): Promise<void> {
  if (deps.config.dryRun) {
    logger.info("dry run: Slack payload not posted", { payload: message });
    return;
  }
  if (deps.slackApp) {
    await (await deps.slackApp()).deliver([message]);
    return;
  }
  if (!deps.webhookUrl) throw new Error("No webhook source configured and DRY_RUN is not true");
  await deps.deliver([message], await deps.webhookUrl());
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
  const scanner = scannerFor(config, { iam });
  let securityHub: SecurityHubClient | undefined;
  try {
    return await runMonitor({
      ...accountSlackDeps(state, message.accountId, logger, context),
      logger,
      trigger: {
        // The organization's heartbeat is the dispatcher's one summary, not an all-clear per account.
        heartbeat: false,
        ...(message.eventId !== undefined ? { eventId: message.eventId } : {}),
        // Forwarded from the member account through the monitor's bus (see the README's exposed keys).
        ...(message.exposure ? { exposure: { ...message.exposure, accountId: message.accountId } } : {}),
      },
      ...(alertState
        ? {
            alertState: {
              load: async () => recordsOfAccount(await alertState.load(), message.accountId),
              apply: (changes) => alertState.apply(stampAccount(changes, message.accountId)),
            },
          }
        : {}),
      // Each account's scan gets the invocation's time left when it starts (see scan-budget.ts).
      scan: ({ checkFirst, exposedKeyIds }) =>
        scanner({
          checkFirst,
          ...(exposedKeyIds ? { exposedKeyIds } : {}),
          budget: context?.getRemainingTimeInMillis
            ? scanBudget({ remainingTimeMs: context.getRemainingTimeInMillis(), now: Date.now })
            : UNLIMITED_BUDGET,
        }),
      // The digest names the account by id and name, so one channel can serve many accounts.
      accountId: async () => accountLabel({ id: message.accountId, name: message.accountName }),
      // SECURITY_HUB=on: Security Hub takes findings only from the account they are about, so they
      // are imported through the member role, into the member account's hub in the worker's region.
      ...(config.securityHub
        ? {
            securityHub: securityHubDeps({
              client: () => (securityHub ??= createSecurityHubClient(credentials)),
              accountId: async () => message.accountId,
              ...(context?.getRemainingTimeInMillis
                ? { remainingTimeMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY }
                : {}),
            }),
          }
        : {}),
    });
  } finally {
    iam.destroy();
    securityHub?.destroy();
  }
}
