import { errorFields } from "./runtime/error-fields";
import { createLogger } from "./runtime/logger";
import { parseRunTrigger } from "./runtime/run-trigger";
import { DELIVERY_MARGIN_MS, scanBudget, UNLIMITED_BUDGET } from "./scan/scan-budget";
import { resolveAccountId } from "./runtime/account-id";
import { scannerFor } from "./scan/select-scanner";
import { runMonitor, type RunSummary } from "./monitor/run-monitor";
import { securityHubDeps } from "./monitor/security-hub-deps";

import { containerState, slackDeps, type Container, type HandlerContext } from "./container";

export type { HandlerContext } from "./container";

/** Lambda entry point: scans IAM access keys and posts a Slack digest of the ones that need attention. */
export async function handler(event: unknown, context?: HandlerContext): Promise<RunSummary> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  let state: Container;
  try {
    state = containerState();
  } catch (error) {
    logger.error("key-age scan failed", errorFields(error));
    throw error;
  }
  const { config, iam, sts, alertState, enforcement, securityHub, markEnforcementOff } = state;
  // The scan stops in time to deliver what it found (see scan-budget.ts).
  const budget = context?.getRemainingTimeInMillis
    ? scanBudget({ remainingTimeMs: context.getRemainingTimeInMillis(), now: Date.now })
    : UNLIMITED_BUDGET;
  const scanner = scannerFor(config, { iam });
  // ENFORCEMENT=off ends the stretch of enforcing runs: no notice given before survives it.
  await markEnforcementOff?.(new Date()).catch((error: unknown) =>
    logger.warn("could not record that enforcement is off", errorFields(error)),
  );
  // Read once: the digest names the account, and Security Hub findings are about it.
  let account: Promise<string> | undefined;
  const accountId = () => (account ??= resolveAccountId(context?.invokedFunctionArn, sts));
  const remainingTimeMs = context?.getRemainingTimeInMillis;
  return runMonitor({
    ...slackDeps(state, context),
    logger,
    // The event id guards against Lambda delivering the same scheduled event twice; the heartbeat
    // rule's input says when to post the all-clear; an AWS Health exposure event names its keys.
    trigger: parseRunTrigger(event),
    ...(alertState ? { alertState } : {}),
    // ENFORCEMENT dry-run or armed: notices, reminders, the brake and (armed) deactivation.
    // A deactivation is started only with the delivery margin still ahead, to record and announce it.
    ...(enforcement
      ? {
          enforcement: context?.getRemainingTimeInMillis
            ? { ...enforcement, stopStarting: () => (context.getRemainingTimeInMillis?.() ?? 0) < DELIVERY_MARGIN_MS }
            : enforcement,
        }
      : {}),
    // SCAN_STRATEGY and SCAN_CONCURRENCY: the per-user API walk or the credential-report filter.
    // An AWS Health exposure event's keys: their owners are read whatever the watch list says.
    scan: ({ checkFirst, exposedKeyIds }) =>
      scanner({ budget, checkFirst, ...(exposedKeyIds ? { exposedKeyIds } : {}) }),
    // Users a run could not check go first next time: kept in the alert-state table, or else only as
    // long as this container stays warm.
    uncheckedUsers: alertState
      ? { load: () => alertState.loadUncheckedUsers(), save: (users, now) => alertState.saveUncheckedUsers(users, now) }
      : {
          load: async () => state.uncheckedUsers,
          save: async (users) => {
            state.uncheckedUsers = [...users];
          },
        },
    accountId,
    // SECURITY_HUB=on: the findings go to this account's own Security Hub, in the function's region.
    ...(securityHub
      ? {
          securityHub: securityHubDeps({
            client: securityHub,
            accountId,
            ...(remainingTimeMs ? { remainingTimeMs: () => remainingTimeMs.call(context) } : {}),
          }),
        }
      : {}),
  });
}

// Organization mode's entry points live in the same bundle: `index.dispatcher` and `index.worker`.
export { dispatcher } from "./organization/dispatcher";
export { worker } from "./organization/worker";
