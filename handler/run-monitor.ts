import { planAlerts, type AlertPlan, type AlertRecord, type StateChange } from "./core/alert-transitions";
import { classifyKeys, type Classification } from "./core/classify";
import type { MonitorConfig } from "./core/config";
import { errorFields } from "./core/error-fields";
import { createLogger, type Logger } from "./core/logger";
import type { ScanResult } from "./core/inventory";
import { redactWebhookUrl } from "./core/mask";
import { messagesToSend, type MessagesToSend } from "./core/messages-to-send";
import { changesToRecord, messagesPostedBefore } from "./core/record-after-delivery";
import { renderDigest, type RenderDigestOptions } from "./core/render-digest";
import { buildRunSummary, type RunSummary } from "./core/run-summary";
import type { RunTrigger } from "./core/run-trigger";
import { embeddedMetrics } from "./core/run-metrics";
import type { SlackMessage } from "./core/slack-message";
import { enforce, planEnforcementFor, type EnforcementDeps } from "./run-enforcement";

export type { RunSummary } from "./core/run-summary";

/** The stages {@link runMonitor} wires together; only `scan`, `accountId`, `webhookUrl` and `deliver` do I/O. */
export interface RunMonitorDeps {
  /** The validated configuration. */
  readonly config: MonitorConfig;
  /** Scans the account (the per-user API walk or the credential-report scan, see select-scanner.ts). */
  readonly scan: () => Promise<ScanResult>;
  /** Resolves the account id shown in the digest. */
  readonly accountId: () => Promise<string>;
  /** Resolves the webhook URL. @default undefined: only allowed for a dry run */
  readonly webhookUrl?: () => Promise<string>;
  /** Posts the messages; resolves with how many were posted. */
  readonly deliver: (messages: readonly SlackMessage[], webhookUrl: string) => Promise<{ messagesPosted: number }>;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** The logger, with the invocation's context (request id) bound. @default JSON lines on stdout, no context */
  readonly logger?: Logger;
  /** Digest layout budgets. @default renderDigest's defaults */
  readonly renderOptions?: RenderDigestOptions;
  /**
   * The alert state (`ALERT_STATE_TABLE`): with it only changes, reminders and resolutions are
   * posted, and a change is recorded only once Slack accepted it. @default undefined: stateless
   */
  readonly alertState?: {
    readonly load: () => Promise<readonly AlertRecord[]>;
    readonly apply: (changes: readonly StateChange[]) => Promise<void>;
  };
  /** What started the run (event id, heartbeat). @default a plain run without an event id */
  readonly trigger?: RunTrigger;
  /** Staged deactivation (`ENFORCEMENT` `dry-run` or `armed`). @default undefined: enforcement off */
  readonly enforcement?: EnforcementDeps;
}

/**
 * Runs one monitor pass, in the order of the data flow: resolve the webhook, scan, classify, compare
 * with the alert state, render, deliver, record what Slack accepted, log one summary line. Any
 * failure logs an error line and rethrows, so nothing is posted and no "all clear" is returned after
 * a failed scan; the Lambda error is what raises the alarm.
 */
export async function runMonitor(deps: RunMonitorDeps): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const { config } = deps;
  const environment = config.environmentName ? { environmentName: config.environmentName } : {};
  const logger = (deps.logger ?? createLogger()).child(
    config.environmentName ? { environment: config.environmentName } : {},
  );
  const startedAt = now();
  let webhookUrl: string | undefined;
  try {
    // Resolved before the scan so a broken webhook setting fails every run, not only the ones with alerts.
    webhookUrl = await resolveWebhookUrl(deps);
    const trigger = deps.trigger ?? { heartbeat: false };
    const [scan, accountId, records, enforcementRecords] = await Promise.all([
      deps.scan(),
      deps.accountId(),
      deps.alertState?.load(),
      deps.enforcement?.load(),
    ]);
    const { stats } = scan;
    const classification = classifyKeys(scan.inventory, config.thresholds, startedAt);
    const plan = records && compareWithAlertState(records, scan, classification, config, trigger, startedAt);
    const enforcementPlan =
      deps.enforcement && enforcementRecords
        ? planEnforcementFor(
            deps.enforcement,
            classification.findings,
            enforcementRecords,
            startedAt,
            config.remindEvery.ms,
          )
        : undefined;
    const overview = { classification, accountId, ...environment, missingWatchedUsers: stats.missingWatchedUsers };
    const digest = renderDigest(
      {
        ...overview,
        skippedUsers: stats.skippedUsers,
        thresholdLabels: config.thresholdLabels,
        style: config.messageStyle,
        now: startedAt,
        ...(plan ? { announcements: plan.announcements } : {}),
        ...(enforcementPlan ? { deactivationSchedules: enforcementPlan.schedules } : {}),
      },
      deps.renderOptions,
    );
    const sent = messagesToSend(digest, trigger.heartbeat, { ...overview, now: startedAt });
    const messagesPosted = config.dryRun
      ? logDryRun(sent, logger)
      : await deliverAndRecord(deps, sent, plan, webhookUrl, logger);
    // Only after the digest reached Slack: a run that cannot tell Slack deactivates nothing.
    const enforcement =
      deps.enforcement && enforcementPlan
        ? await enforce(deps.enforcement, {
            plan: enforcementPlan,
            now: startedAt,
            accountId,
            ...environment,
            ...(webhookUrl ? { deliver: deliverOne(deps, webhookUrl) } : {}),
            logger,
          })
        : undefined;
    const summary = buildRunSummary({
      ...environment,
      dryRun: config.dryRun,
      accountId,
      stats,
      classification,
      digest,
      sent,
      messagesPosted: messagesPosted + (enforcement && enforcement.eventsAnnounced > 0 ? 1 : 0),
      ...(plan ? { plan } : {}),
      ...(enforcement ? { enforcement } : {}),
      heartbeat: trigger.heartbeat,
      durationMs: now().getTime() - startedAt.getTime(),
    });
    logger.info("key-age scan finished", {
      ...summary,
      ...embeddedMetrics(summary, config.environmentName ?? "default", startedAt),
    });
    return summary;
  } catch (error) {
    logger.error("key-age scan failed", {
      ...errorFields(error, (text) => redactWebhookUrl(text, webhookUrl)),
      dryRun: config.dryRun,
      durationMs: now().getTime() - startedAt.getTime(),
    });
    throw error;
  }
}

/** Posts one message (the enforcement message) to the run's webhook. */
function deliverOne(deps: RunMonitorDeps, webhookUrl: string): (message: SlackMessage) => Promise<void> {
  return async (message) => {
    await deps.deliver([message], webhookUrl);
  };
}

/** The webhook URL, or undefined for a dry run (which needs none). */
async function resolveWebhookUrl(deps: RunMonitorDeps): Promise<string | undefined> {
  if (deps.config.dryRun) return undefined;
  if (!deps.webhookUrl) throw new Error("No webhook source configured and DRY_RUN is not true");
  return deps.webhookUrl();
}

/** The alert plan: what to announce and what to remember, given the stored records. */
function compareWithAlertState(
  records: readonly AlertRecord[],
  scan: ScanResult,
  classification: Classification,
  config: MonitorConfig,
  trigger: RunTrigger,
  now: Date,
): AlertPlan {
  return planAlerts({
    records,
    classification,
    now,
    remindEveryMs: config.remindEvery.ms,
    watchUsers: config.watchUsers,
    scannedUsers: new Set(scan.inventory.users.map((user) => user.userName)),
    partialScan: (scan.inventory.reportOnly?.users ?? 0) > 0,
    ...(trigger.eventId !== undefined ? { eventId: trigger.eventId } : {}),
  });
}

/** A dry run logs each payload instead of posting it; nothing is posted or recorded. */
function logDryRun(sent: MessagesToSend, logger: Logger): number {
  sent.messages.forEach((payload, index) =>
    logger.info("dry run: Slack payload not posted", { part: `${index + 1}/${sent.messages.length}`, payload }),
  );
  return 0;
}

/**
 * Posts the messages, then records in the alert state what Slack accepted: everything after a
 * complete delivery, the announcements of the accepted messages after a failure part-way. A failure
 * to record those is logged, not thrown: the delivery error is the one the run fails with.
 */
async function deliverAndRecord(
  deps: RunMonitorDeps,
  sent: MessagesToSend,
  plan: AlertPlan | undefined,
  webhookUrl: string | undefined,
  logger: Logger,
): Promise<number> {
  const record = plan && deps.alertState ? deps.alertState.apply : undefined;
  let messagesPosted = 0;
  if (sent.messages.length > 0 && webhookUrl) {
    try {
      messagesPosted = (await deps.deliver(sent.messages, webhookUrl)).messagesPosted;
    } catch (error) {
      const changes =
        plan && record
          ? changesToRecord(plan, sent.namedPerMessage, {
              complete: false,
              messagesPosted: messagesPostedBefore(error),
            })
          : [];
      if (record && changes.length > 0) {
        await record(changes).catch((recordError: unknown) =>
          logger.warn(
            "could not record the announcements Slack accepted before the failure; they will be sent again",
            errorFields(recordError),
          ),
        );
      }
      throw error;
    }
  }
  // Recorded only now that Slack accepted every message: a failed run announces it all again.
  if (plan && record) await record(changesToRecord(plan, sent.namedPerMessage, { complete: true }));
  return messagesPosted;
}
