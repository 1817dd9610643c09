import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { accountMessage, accountsToQueue } from "./account-message";
import { renderOrganizationSummary } from "./render-organization-summary";
import { staleAccounts, staleAccountsMetric } from "./stale-accounts";
import { loadAccountScans } from "./account-scan-store";
import { errorFields } from "../runtime/error-fields";
import { createLogger, type Logger } from "../runtime/logger";
import { loadOrganizationConfig, ORGANIZATION_VARIABLES, type OrganizationConfig } from "./organization-config";
import { parseRunTrigger, type RunTrigger } from "../runtime/run-trigger";
import { accountsToScan, describeUnknownAccounts, ScopeError, type ScopeOfRun } from "./accounts-to-scan";
import { SUPPORT_CLIENT_CONFIG } from "../runtime/client-config";
import { DispatchError, sendAccountMessages } from "./send-account-messages";
import { containerState, slackDeps, type HandlerContext } from "../container";
import { postOne } from "./account-slack";
import { planDispatch, unrecordedStale, type DispatchEntry } from "./dispatch-record";
import { createDispatchStore } from "./dispatch-store";
import type { AccountScanRecord } from "./account-scan-record";

/** What one dispatcher run did; also its log line. */
export interface DispatchSummary {
  readonly accountsQueued: number;
  /** Accounts in scope not queued: their last message is still queued or running. */
  readonly accountsInFlight: number;
  /** Suspended, closing or closed accounts skipped. */
  readonly inactiveAccountsSkipped: number;
  /** Active accounts the include/exclude settings left out. */
  readonly accountsFilteredOut: number;
  readonly sqsCalls: number;
  /**
   * Accounts in scope not scanned successfully within `STALE_ACCOUNT_AFTER`, or queued that long
   * without ever being recorded (with the alert state).
   */
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

/** What the dispatcher reads from the state table: the accounts' scan records and its own entries. */
interface DispatchState {
  readonly records: AccountScanRecord[];
  readonly entries: DispatchEntry[];
  readonly save: (entries: readonly DispatchEntry[]) => Promise<void>;
}

/**
 * The organization's scheduled entry point (`index.dispatcher`): lists the accounts in scope and
 * queues one message per account for the worker, except accounts whose last message is still in
 * flight (so a sweep slower than the schedule never grows the queue). It scans nothing itself, so it
 * stays fast however large the organization. It never answers "all clear" about nothing: an empty
 * scope fails the run, and include or exclude ids that name no account fail it too, naming them,
 * once the accounts that are in scope are queued; so does state it cannot read (scan records,
 * in-flight entries), after queueing every account in scope.
 */
export async function dispatcher(event: unknown, context?: HandlerContext): Promise<DispatchSummary> {
  const logger = createLogger({ context: context?.awsRequestId ? { requestId: context.awsRequestId } : {} });
  const started = Date.now();
  let org: OrganizationsClient | undefined;
  const sqs = new SQSClient(SUPPORT_CLIENT_CONFIG);
  const dynamodb = new DynamoDBClient(SUPPORT_CLIENT_CONFIG);
  try {
    const config = loadOrganizationConfig(process.env);
    if (!config.accountQueueUrl) throw new Error(`${ORGANIZATION_VARIABLES.accountQueueUrl} is not set`);
    const scope = await accountsToScan(config, () => (org ??= new OrganizationsClient(SUPPORT_CLIENT_CONFIG)));
    const unknown = describeUnknownAccounts(scope.unknown, listingOf(config));
    if (scope.accounts.length === 0) {
      throw new ScopeError(`no accounts in scope${unknown ? ` (${unknown})` : ""}: nothing would be scanned`);
    }
    const trigger = parseRunTrigger(event);
    // Unread state must not stop the sweep: every account is queued (none counted as in flight), and
    // the dispatch fails afterwards, naming the cause, so its errors alarm fires.
    let stateError: unknown;
    const state = await readDispatchState(dynamodb, scope).catch((error: unknown) => {
      stateError = error;
      return undefined;
    });
    const now = new Date(started);
    // An AWS Health exposure event queues only the account it is about, whatever is in flight (the
    // account's lease keeps two runs of it apart); the sweep's entries stay as they were.
    const exposureQueue = trigger.exposure ? accountsToQueue(scope.accounts, trigger) : undefined;
    if (exposureQueue?.exposureOutOfScope) {
      logger.warn("AWS Health exposure event about an account outside the scope: nothing queued", {
        account: exposureQueue.exposureOutOfScope,
        eventTypeCode: trigger.exposure?.eventTypeCode,
      });
    }
    const plan = exposureQueue
      ? { toQueue: exposureQueue.accounts, inFlight: [], entries: state?.entries ?? [] }
      : planDispatch({
          accounts: scope.accounts,
          records: state?.records ?? [],
          previous: state?.entries ?? [],
          now,
        });
    const calls = await queue(plan.toQueue, config.accountQueueUrl, trigger, sqs, state, plan.entries);
    // Accounts whose scans have been failing, or missing, for longer than allowed (alarmed on).
    const stale = state && [
      ...staleAccounts(state.records, now, config.staleAccountAfterMs).map((record) => record.accountId),
      ...unrecordedStale(plan.entries, now, config.staleAccountAfterMs),
    ];
    const summaryPosted =
      trigger.heartbeat &&
      stateError === undefined &&
      (await postSummary(scope, state?.records ?? [], now, logger, context));
    const summary: DispatchSummary = {
      accountsQueued: plan.toQueue.length,
      accountsInFlight: plan.inFlight.length,
      inactiveAccountsSkipped: scope.inactive.length,
      accountsFilteredOut: scope.filteredOut,
      sqsCalls: calls,
      ...(stale ? { staleAccounts: stale } : {}),
      ...(summaryPosted ? { summaryPosted: true as const } : {}),
      ...(trigger.exposure
        ? {
            exposureEvent: {
              eventTypeCode: trigger.exposure.eventTypeCode,
              account: trigger.exposure.accountId ?? "unknown",
              inScope: exposureQueue?.exposureOutOfScope === undefined,
            },
          }
        : {}),
      durationMs: Date.now() - started,
    };
    const environment = process.env.ENVIRONMENT_NAME?.trim() || "default";
    logger.info("key-age dispatch finished", {
      ...summary,
      ...(plan.inFlight.length > 0 ? { inFlight: plan.inFlight.slice(0, 20) } : {}),
      ...(stale ? staleAccountsMetric(stale.length, environment, now, plan.inFlight.length) : {}),
    });
    if (stateError !== undefined) throw stateError;
    if (unknown) throw new ScopeError(unknown);
    return summary;
  } catch (error) {
    logger.error("key-age dispatch failed", { ...errorFields(error), durationMs: Date.now() - started });
    throw error;
  } finally {
    org?.destroy();
    sqs.destroy();
    dynamodb.destroy();
  }
}

/** What the accounts were listed from, for the error naming ids that are not among them. */
function listingOf(config: OrganizationConfig): string {
  if (config.staticAccounts) return `accounts of ${ORGANIZATION_VARIABLES.staticAccounts}`;
  if (config.includeOrganizationalUnits.length > 0) {
    return `accounts under ${ORGANIZATION_VARIABLES.includeOrganizationalUnits}`;
  }
  return "organization's accounts";
}

/** The scan records of the accounts in scope and the dispatcher's entries; undefined without the alert state. */
async function readDispatchState(dynamodb: DynamoDBClient, scope: ScopeOfRun): Promise<DispatchState | undefined> {
  const tableName = process.env.ALERT_STATE_TABLE?.trim();
  if (!tableName) return undefined;
  const client = DynamoDBDocumentClient.from(dynamodb);
  const store = createDispatchStore(client, tableName);
  const [records, entries] = await Promise.all([
    loadAccountScans(
      client,
      tableName,
      scope.accounts.map((account) => account.id),
    ),
    store.load(),
  ]);
  return { records, entries, save: (next) => store.save(next) };
}

/**
 * Queues the accounts and records when: the entries of accounts SQS kept refusing keep their last
 * queue time, so they are queued again on the next run.
 */
async function queue(
  accounts: ScopeOfRun["accounts"],
  queueUrl: string,
  trigger: RunTrigger,
  sqs: SQSClient,
  state: DispatchState | undefined,
  entries: readonly DispatchEntry[],
): Promise<number> {
  const messages = accounts.map((account) => accountMessage(account, trigger));
  try {
    const { calls } = await sendAccountMessages(sqs, queueUrl, messages);
    await state?.save(entries);
    return calls;
  } catch (error) {
    if (error instanceof DispatchError && state) {
      const unsent = new Set(error.unsentAccounts);
      const previous = new Map(state.entries.map((entry) => [entry.accountId, entry]));
      await state.save(
        entries.flatMap((entry) => {
          if (!unsent.has(entry.accountId)) return [entry];
          const before = previous.get(entry.accountId);
          return before ? [before] : [];
        }),
      );
    }
    throw error;
  }
}

/**
 * The heartbeat's all-clear is one organization summary posted here, once, rather than one per quiet
 * account: only the dispatcher sees every account in scope, and the workers never learn when the last
 * account of a run is done. It reports each account as of its last scan.
 */
async function postSummary(
  scope: ScopeOfRun,
  records: readonly AccountScanRecord[],
  now: Date,
  logger: Logger,
  context?: HandlerContext,
): Promise<boolean> {
  const state = containerState();
  await postOne(
    slackDeps(state, context),
    renderOrganizationSummary({
      accounts: scope.accounts,
      records,
      now,
      ...(state.config.environmentName ? { environmentName: state.config.environmentName } : {}),
    }),
    logger,
  );
  return true;
}
