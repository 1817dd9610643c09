import { describeError } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import { AlertStateError } from "../alerts/alert-state-store";
import { accountPartition, type AccountPartition } from "../alerts/account-state-store";
import { SlackDeliveryError } from "../slack/deliver-to-slack";
import { SlackApiError } from "../slack/slack-web-api";
import { WebhookSecretError } from "../slack/webhook-secret";
import { ScanIncompleteError, scanBudget, UNLIMITED_BUDGET, type ScanBudget } from "../scan/scan-budget";
import { scannerFor } from "../scan/select-scanner";
import { containerState, type HandlerContext } from "../container";
import { runMonitor, type RunSummary } from "../monitor/run-monitor";
import { accountStateDeps } from "../monitor/account-state-deps";
import { EXPOSURE_LEASE_WAIT_MS, withAccountLease, type SkippedRun } from "../monitor/leased-run";
import { securityHubDeps } from "../monitor/security-hub-deps";
import { createSecurityHubClient } from "../security-hub/security-hub-http";
import type { AccountMessage } from "./account-message";
import { planAccountScan, type AccountScanOutcome } from "./account-scan-record";
import { accountScanStore } from "./account-scan-store";
import { accountSlackDeps, postOne, type RouteMemory } from "./account-slack";
import { assumeMemberRole, memberIamClient } from "./member-credentials";
import { loadOrganizationConfig } from "./organization-config";
import { accountLabel } from "./organization-scope";
import { renderAccountStatus } from "./render-account-status";

/** True for a failure of the account itself (role, scan), not of Slack or of the monitor's own table. */
function isAccountFailure(error: unknown): boolean {
  return !(
    error instanceof SlackDeliveryError ||
    error instanceof SlackApiError ||
    error instanceof WebhookSecretError ||
    error instanceof AlertStateError
  );
}

/** What one account's attempt gave, for its scan record. */
function outcomeOf(summary: RunSummary | undefined, failure: unknown): AccountScanOutcome {
  if (summary) return { ok: true, counts: summary.counts };
  // Out of time part-way: the run posted what it found and named the users it could not check.
  if (failure instanceof ScanIncompleteError) return { ok: false, error: describeError(failure), told: true };
  return { ok: false, error: describeError(failure) };
}

/**
 * One account of the worker's batch, with its own time: the scan budget starts from the invocation's
 * time left when this account starts (the batch's accounts run side by side, so no account waits for
 * another), and every AWS call of the account (AssumeRole, the scan, the credential report, the tag
 * read) stops on the same signal. The account's lease keeps a second delivery of it from running at
 * the same time. Then its scan record: last success and counts, or the failure, which is announced
 * once ("account 111… could not be scanned: <cause>"), reminded and resolved like a key. A failure
 * is still rethrown, so the message is retried and then dead-lettered.
 */
export async function scanAndRecordAccount(
  message: AccountMessage,
  logger: Logger,
  context?: HandlerContext,
): Promise<RunSummary | SkippedRun | undefined> {
  const state = containerState();
  const { config, state: table } = state;
  const remaining = context?.getRemainingTimeInMillis;
  const accountLogger = logger.child({ account: message.accountId });
  return withAccountLease(
    {
      ...(table ? { state: table } : {}),
      accountId: message.accountId,
      holder: `${context?.awsRequestId ?? "local"}${message.eventId ? ` (event ${message.eventId})` : ""}`,
      ...(remaining ? { remainingTimeMs: remaining() } : {}),
      // An exposure event's keys are news to a sweep's run holding the account: wait for it, and if it
      // still holds the account, fail the message so that it is delivered again, never dropped.
      ...(message.exposure
        ? {
            mustRun: true,
            waitMs: Math.min(EXPOSURE_LEASE_WAIT_MS, (remaining?.() ?? EXPOSURE_LEASE_WAIT_MS * 4) / 4),
          }
        : {}),
      logger: accountLogger,
    },
    async () => {
      const budget = remaining ? scanBudget({ remainingTimeMs: remaining(), now: Date.now }) : UNLIMITED_BUDGET;
      const partition = table ? accountPartition(table.store(false), message.accountId) : undefined;
      const records = partition && accountScanStore(partition);
      const previous = await records?.load();
      let failure: unknown;
      let summary: RunSummary | undefined;
      // The run's Slack sessions share what they learn of the route (a fallback is announced once).
      const route: RouteMemory = {};
      try {
        summary = await scanMemberAccount(message, accountLogger, budget, partition, context, route);
      } catch (error) {
        failure = error;
      }
      if (records && (summary || isAccountFailure(failure))) {
        const account = { id: message.accountId, ...(message.accountName ? { name: message.accountName } : {}) };
        const plan = planAccountScan(previous, account, outcomeOf(summary, failure), new Date(), config.remindEvery.ms);
        if (plan.announce) {
          const text = renderAccountStatus({
            kind: plan.announce,
            record: plan.record,
            roleName: loadOrganizationConfig(process.env).memberRoleName,
            ...(config.environmentName ? { environmentName: config.environmentName } : {}),
          });
          // Recorded only once Slack accepted it: a failed post is announced again on the next attempt.
          await postOne(
            accountSlackDeps(state, account, accountLogger, context, undefined, route),
            text,
            accountLogger,
          );
        }
        await records.put(plan.record);
      }
      if (failure) throw failure;
      return summary;
    },
  );
}

/** One account's run: the same runMonitor as the single-account function, another source of credentials. */
export async function scanMemberAccount(
  message: AccountMessage,
  logger: Logger,
  budget: ScanBudget,
  partition: AccountPartition | undefined,
  context?: HandlerContext,
  route: RouteMemory = {},
): Promise<RunSummary> {
  const state = containerState();
  const { config, sts } = state;
  const organization = loadOrganizationConfig(process.env);
  const account = { id: message.accountId, ...(message.accountName ? { name: message.accountName } : {}) };
  // Every AWS call of the account stops when its scan must (the scan itself builds its own signal).
  const untilStop = budget.msUntilStop();
  const stop = Number.isFinite(untilStop) ? AbortSignal.timeout(Math.max(1, untilStop)) : undefined;
  const credentials = await assumeMemberRole({
    sts: sts(),
    accountId: message.accountId,
    roleName: organization.memberRoleName,
    ...(stop ? { abortSignal: stop } : {}),
  });
  const iam = memberIamClient(credentials);
  const scanner = scannerFor(config, { iam });
  try {
    return await runMonitor({
      ...accountSlackDeps(state, account, logger, context, stop, route),
      logger,
      trigger: {
        // The organization's heartbeat is the dispatcher's one summary, not an all-clear per account.
        heartbeat: false,
        ...(message.eventId !== undefined ? { eventId: message.eventId } : {}),
        // Forwarded from the member account through the monitor's bus (see the README's exposed keys).
        ...(message.exposure ? { exposure: { ...message.exposure, accountId: message.accountId } } : {}),
      },
      // The account's key records, tag notes and unchecked users: its own partition, one read.
      ...(partition ? accountStateDeps(partition) : {}),
      // An AWS Health exposure event's keys: their owners are read whatever the watch list says.
      scan: ({ checkFirst, exposedKeyIds }) =>
        scanner({ checkFirst, budget, ...(exposedKeyIds ? { exposedKeyIds } : {}) }),
      // The digest names the account by id and name, so one channel can serve many accounts.
      accountId: async () => accountLabel(account),
      // SECURITY_HUB=on: Security Hub takes findings only from the account they are about, so they
      // are imported through the member role, into the member account's hub in the worker's region.
      ...(config.securityHub
        ? {
            securityHub: securityHubDeps({
              client: () => createSecurityHubClient({ credentials }),
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
  }
}
