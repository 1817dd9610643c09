import { errorFields } from "./runtime/error-fields";
import { createLogger } from "./runtime/logger";
import { parseRunTrigger } from "./runtime/run-trigger";
import { DELIVERY_MARGIN_MS, scanBudget, UNLIMITED_BUDGET } from "./scan/scan-budget";
import { resolveAccountId } from "./runtime/account-id";
import { scannerFor } from "./scan/select-scanner";
import { runMonitor, type RunSummary } from "./monitor/run-monitor";
import { accountPartition } from "./alerts/account-state-store";
import { accountStateDeps } from "./monitor/account-state-deps";
import { EXPOSURE_LEASE_WAIT_MS, withAccountLease, type SkippedRun } from "./monitor/leased-run";
import { securityHubDeps } from "./monitor/security-hub-deps";
import { keyUsageDeps } from "./monitor/key-usage-deps";

import { containerState, slackDeps, type Container, type HandlerContext } from "./container";

export type { HandlerContext } from "./container";
export type { SkippedRun } from "./monitor/leased-run";

/** How long a heartbeat run waits for a run holding its account (the tick of the same minute) to finish. */
export const HEARTBEAT_LEASE_WAIT_MS = 120_000;

/** Lambda entry point: scans IAM access keys and posts a Slack digest of the ones that need attention. */
export async function handler(event: unknown, context?: HandlerContext): Promise<RunSummary | SkippedRun> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  let state: Container;
  let accountId: string;
  try {
    state = containerState();
    accountId = await resolveAccountId(context?.invokedFunctionArn, state.sts);
  } catch (error) {
    logger.error("key-age scan failed", errorFields(error));
    throw error;
  }
  const { config, iam, state: table, enforcement, securityHub, markEnforcementOff } = state;
  // The event id guards against Lambda delivering the same scheduled event twice; the heartbeat
  // rule's input says when to post the all-clear; an AWS Health exposure event names its keys.
  const trigger = parseRunTrigger(event);
  const remaining = context?.getRemainingTimeInMillis;
  return withAccountLease(
    {
      ...(table ? { state: table } : {}),
      accountId,
      holder: `${context?.awsRequestId ?? "local"}${trigger.eventId ? ` (event ${trigger.eventId})` : ""}`,
      ...(remaining ? { remainingTimeMs: remaining() } : {}),
      // The heartbeat and the tick share a minute once a day: the heartbeat waits for the tick, so the
      // day's all-clear is not lost to the lease; any other run that finds its account held returns.
      ...(trigger.heartbeat ? { waitMs: Math.min(HEARTBEAT_LEASE_WAIT_MS, (remaining?.() ?? 0) / 4) } : {}),
      // An AWS Health exposure event names keys the holder does not know: it waits too, and if the
      // account stays held it fails, so that Lambda delivers the event again rather than drop it.
      ...(trigger.exposure
        ? {
            mustRun: true,
            waitMs: Math.min(EXPOSURE_LEASE_WAIT_MS, (remaining?.() ?? EXPOSURE_LEASE_WAIT_MS * 4) / 4),
          }
        : {}),
      logger,
    },
    async () => {
      // The scan stops in time to deliver what it found (see scan-budget.ts); the budget starts once
      // the account is this run's.
      const budget = remaining ? scanBudget({ remainingTimeMs: remaining(), now: Date.now }) : UNLIMITED_BUDGET;
      const scanner = scannerFor(config, { iam });
      // With the state table, the account's items come from one read of its partition.
      const partition = table ? accountPartition(table.store(true), accountId) : undefined;
      const enforcementOfAccount = partition && enforcement?.(partition);
      // ENFORCEMENT=off ends the stretch of enforcing runs: no notice given before survives it.
      if (partition && markEnforcementOff) {
        await markEnforcementOff(partition, new Date()).catch((error: unknown) =>
          logger.warn("could not record that enforcement is off", errorFields(error)),
        );
      }
      return runMonitor({
        ...slackDeps(state, context),
        logger,
        trigger,
        ...(partition ? accountStateDeps(partition) : {}),
        // ENFORCEMENT dry-run or armed: notices, reminders, the brake and (armed) deactivation.
        // A deactivation is started only with the delivery margin still ahead, to record and announce it.
        ...(enforcementOfAccount
          ? {
              enforcement: remaining
                ? { ...enforcementOfAccount, stopStarting: () => (remaining() ?? 0) < DELIVERY_MARGIN_MS }
                : enforcementOfAccount,
            }
          : {}),
        // SCAN_STRATEGY and SCAN_CONCURRENCY: the per-user API walk or the credential-report filter.
        // An AWS Health exposure event's keys: their owners are read whatever the watch list says.
        scan: ({ checkFirst, exposedKeyIds }) =>
          scanner({ budget, checkFirst, ...(exposedKeyIds ? { exposedKeyIds } : {}) }),
        // Without the state table, the users a run could not check are kept only as long as this
        // container stays warm.
        ...(partition
          ? {}
          : {
              uncheckedUsers: {
                load: async () => state.uncheckedUsers,
                save: async (users: readonly string[]) => {
                  state.uncheckedUsers = [...users];
                },
              },
            }),
        accountId: async () => accountId,
        // KEY_USAGE=on: the cache is on the account's partition (the loader requires the state table).
        ...(config.keyUsage && partition
          ? {
              keyUsage: keyUsageDeps({
                partition,
                ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
                ...(remaining ? { remainingTimeMs: () => remaining.call(context) } : {}),
              }),
            }
          : {}),
        // SECURITY_HUB=on: the findings go to this account's own Security Hub, in the function's region.
        ...(securityHub
          ? {
              securityHub: securityHubDeps({
                client: securityHub,
                accountId: async () => accountId,
                ...(remaining ? { remainingTimeMs: () => remaining.call(context) } : {}),
              }),
            }
          : {}),
      });
    },
  );
}

// Organization mode's entry points live in the same bundle: `index.dispatcher` and `index.worker`.
export { dispatcher } from "./organization/dispatcher";
export { worker } from "./organization/worker";
