import { planAlerts, type AlertPlan, type AlertRecord, type StateChange } from "./core/alert-transitions";
import { classifyKeys, type Classification } from "./core/classify";
import type { MonitorConfig } from "./core/config";
import { errorFields } from "./core/error-fields";
import { createLogger, type Logger } from "./core/logger";
import type { ScanResult } from "./core/inventory";
import { redactWebhookUrl } from "./core/mask";
import { messagesToSend, type MessagesToSend } from "./core/messages-to-send";
import {
  announcementsWithOwnerProblems,
  ownerEmails,
  ownerProblems,
  planOwnerDeliveries,
  recordOwnerOutcome,
  renderOwnerMessages,
  splitPendingResolutions,
  withOwnerProblems,
  type OwnerDelivery,
  type OwnerLookup,
} from "./core/owner-messages";
import { changesNotIn, changesToRecord, messagesPostedBefore } from "./core/record-after-delivery";
import { renderDigest, type RenderDigestOptions } from "./core/render-digest";
import { buildRunSummary, type OwnerMessagesSummary, type RunSummary } from "./core/run-summary";
import { withUncheckedUsers } from "./core/render-unchecked";
import type { RunTrigger } from "./core/run-trigger";
import { embeddedMetrics } from "./core/run-metrics";
import { recordsOfCheckedUsers, ScanIncompleteError } from "./core/scan-budget";
import { planTagProblemNotes, type TagNoteChange, type TagProblemNote } from "./core/tag-problem-notes";
import type { SlackMessage } from "./core/slack-message";
import type { SlackAppSession } from "./edges/slack-app";
import { enforce, planEnforcementFor, type EnforcementDeps } from "./run-enforcement";

export type { RunSummary } from "./core/run-summary";

/** The stages {@link runMonitor} wires together; only `scan`, `accountId`, `webhookUrl` and `deliver` do I/O. */
export interface RunMonitorDeps {
  /** The validated configuration. */
  readonly config: MonitorConfig;
  /**
   * Scans the account (the per-user API walk or the credential-report scan, see select-scanner.ts),
   * checking `checkFirst` (the users the last run could not check) before the others.
   */
  readonly scan: (run: { readonly checkFirst: readonly string[] }) => Promise<ScanResult>;
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
    /**
     * The announced tag problems: with them a tag problem is announced once (and when it changes),
     * even when no key needs attention. @default undefined: tag problems only ride along with a digest
     */
    readonly loadTagNotes?: () => Promise<readonly TagProblemNote[]>;
    readonly applyTagNotes?: (changes: readonly TagNoteChange[]) => Promise<void>;
  };
  /**
   * Where the users a run could not check are kept for the next run (the alert-state table, or the
   * warm container). @default undefined: every run starts in listing order
   */
  readonly uncheckedUsers?: {
    readonly load: () => Promise<readonly string[]>;
    readonly save: (users: readonly string[], now: Date) => Promise<void>;
  };
  /** What started the run (event id, heartbeat). @default a plain run without an event id */
  readonly trigger?: RunTrigger;
  /** Staged deactivation (`ENFORCEMENT` `dry-run` or `armed`). @default undefined: enforcement off */
  readonly enforcement?: EnforcementDeps;
  /**
   * The Slack app, instead of `webhookUrl`: the digest goes to its channel, and key owners with an
   * email address in `key-age:owner` are told directly. @default undefined: the webhook
   */
  readonly slackApp?: () => Promise<SlackAppSession>;
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
  let app: SlackAppSession | undefined;
  try {
    // Resolved before the scan so a broken Slack setting fails every run, not only the ones with alerts.
    app = config.dryRun ? undefined : await deps.slackApp?.();
    webhookUrl = app ? undefined : await resolveWebhookUrl(deps);
    const trigger = deps.trigger ?? { heartbeat: false };
    const checkFirst = (await deps.uncheckedUsers?.load()) ?? [];
    const [scan, accountId, loaded, enforcementRecords, tagNotes] = await Promise.all([
      deps.scan({ checkFirst }),
      deps.accountId(),
      deps.alertState?.load(),
      deps.enforcement?.load(),
      deps.alertState?.loadTagNotes?.(),
    ]);
    const { stats } = scan;
    const unchecked = stats.uncheckedUsers ?? [];
    // An unchecked user's keys are unknown: their alerts are neither resolved nor reminded.
    const { records, pendingResolutions } = splitPendingResolutions(recordsOfCheckedUsers(loaded ?? [], unchecked));
    const scanned = classifyKeys(scan.inventory, config.thresholds, startedAt, {
      maxExemption: config.maxExemption,
    });
    const planned = loaded && compareWithAlertState(records, scan, scanned, config, trigger, startedAt);
    // Owners are looked up before rendering, so the channel names the ones Slack does not know.
    const owners = app && (await prepareOwners(app, scanned, planned, records, pendingResolutions));
    const classification = owners ? withOwnerProblems(scanned, owners.problems) : scanned;
    const plan =
      planned && owners
        ? { ...planned, announcements: announcementsWithOwnerProblems(planned.announcements, owners.problems) }
        : planned;
    const enforcementPlan =
      deps.enforcement && enforcementRecords
        ? planEnforcementFor(
            deps.enforcement,
            classification.findings,
            enforcementRecords,
            startedAt,
            config.remindEvery.ms,
            // Users left unchecked: the brake cannot count their keys, so nothing is deactivated.
            unchecked.length > 0,
          )
        : undefined;
    const tagPlan =
      tagNotes &&
      planTagProblemNotes({
        tagProblems: classification.tagProblems,
        notes: tagNotes,
        now: startedAt,
        uncheckedUsers: unchecked,
      });
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
        // Stateless digests carry every tag problem; with alert state only new or changed ones.
        tagProblems: tagPlan ? tagPlan.toAnnounce : plan ? [] : classification.tagProblems,
      },
      // Without alert state no later run knows what this one left unnamed: name every key now.
      { ...deps.renderOptions, nameEveryKey: plan === undefined },
    );
    // With users unchecked there is no all-clear: their own message goes out instead.
    const sent = withUncheckedUsers(
      messagesToSend(digest, trigger.heartbeat && unchecked.length === 0, { ...overview, now: startedAt }),
      {
        uncheckedUsers: unchecked,
        usersChecked: classification.usersScanned,
        accountId,
        ...environment,
        now: startedAt,
      },
    );
    const channel = app ?? (webhookUrl !== undefined ? webhookChannel(deps, webhookUrl) : undefined);
    const tellOwners =
      app &&
      owners &&
      ownerStep(
        app,
        owners,
        namedKeys(sent, plan),
        loaded ?? [],
        {
          ...overview,
          style: config.messageStyle,
          now: startedAt,
          // The owner sees the key's deactivation date too, as the channel does.
          ...(enforcementPlan ? { deactivationSchedules: enforcementPlan.schedules } : {}),
        },
        logger,
      );
    const { messagesPosted, ownerMessages } = config.dryRun
      ? { messagesPosted: logDryRun(sent, logger), ownerMessages: undefined }
      : await deliverAndRecord(deps, sent, plan, channel, tellOwners, logger);
    if (!config.dryRun && tagPlan && deps.alertState?.applyTagNotes) {
      // Reached only when every message was accepted: the named users' problems are announced.
      const named = sent.heartbeatOnly ? [] : (digest.tagProblemsNamed ?? []);
      await deps.alertState.applyTagNotes([...tagPlan.silentChanges, ...tagPlan.onDelivery(named)]);
    }
    if (!config.dryRun && deps.uncheckedUsers && (unchecked.length > 0 || checkFirst.length > 0)) {
      await deps.uncheckedUsers.save(unchecked, startedAt);
    }
    // Only after the digest reached Slack: a run that cannot tell Slack deactivates nothing.
    const enforcement =
      deps.enforcement && enforcementPlan
        ? await enforce(deps.enforcement, {
            plan: enforcementPlan,
            now: startedAt,
            accountId,
            ...environment,
            ...(channel ? { deliver: deliverOne(channel) } : {}),
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
      ...(ownerMessages ? { ownerMessages } : {}),
    });
    const fields = { ...summary, ...embeddedMetrics(summary, config.environmentName ?? "default", startedAt) };
    if (unchecked.length === 0) {
      logger.info("key-age scan finished", fields);
      return summary;
    }
    // Everything found is posted; now the run fails so that the alarm fires for the users not checked.
    logger.warn("key-age scan stopped on its time budget", fields);
    throw new ScanIncompleteError(unchecked);
  } catch (error) {
    logger.error("key-age scan failed", {
      ...errorFields(error, (text) => app?.redact(text) ?? redactWebhookUrl(text, webhookUrl)),
      dryRun: config.dryRun,
      durationMs: now().getTime() - startedAt.getTime(),
    });
    throw error;
  }
}

/** Posts one message (the enforcement message) where the digest went. */
function deliverOne(channel: DigestChannel): (message: SlackMessage) => Promise<void> {
  return async (message) => {
    await channel.deliver([message]);
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

/** Where the digest goes: the webhook, or the Slack app's channel. */
interface DigestChannel {
  deliver(messages: readonly SlackMessage[]): Promise<{ messagesPosted: number }>;
}

function webhookChannel(deps: RunMonitorDeps, webhookUrl: string): DigestChannel {
  return { deliver: (messages) => deps.deliver(messages, webhookUrl) };
}

/**
 * Sends the owners' direct messages once the channel took the digest, and folds their outcome into
 * the alert-state changes; when the channel failed, none is sent and every one stays pending.
 */
type OwnerStep = (
  changes: readonly StateChange[],
  channelDelivered: boolean,
) => Promise<{ changes: readonly StateChange[]; summary: OwnerMessagesSummary }>;

/**
 * Posts the messages, then records in the alert state what Slack accepted: everything after a
 * complete delivery, the announcements of the accepted messages after a failure part-way. A failure
 * to record those is logged, not thrown: the delivery error is the one the run fails with. With the
 * Slack app, the owners are told after the channel, and recorded per recipient.
 */
async function deliverAndRecord(
  deps: RunMonitorDeps,
  sent: MessagesToSend,
  plan: AlertPlan | undefined,
  channel: DigestChannel | undefined,
  tellOwners: OwnerStep | undefined,
  logger: Logger,
): Promise<{ messagesPosted: number; ownerMessages?: OwnerMessagesSummary }> {
  const record = plan && deps.alertState ? deps.alertState.apply : undefined;
  let messagesPosted = 0;
  if (sent.messages.length > 0 && channel) {
    try {
      messagesPosted = (await channel.deliver(sent.messages)).messagesPosted;
    } catch (error) {
      const partial =
        plan && record
          ? changesToRecord(plan, sent.namedPerMessage, {
              complete: false,
              messagesPosted: messagesPostedBefore(error),
            })
          : [];
      const changes = tellOwners ? (await tellOwners(partial, false)).changes : partial;
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
  const complete = plan ? changesToRecord(plan, sent.namedPerMessage, { complete: true }) : [];
  // Recorded only now that Slack accepted every message: a failed run announces it all again. The
  // channel's changes go first, so that slow or failing owner messages cannot lose them.
  if (plan && record) await record(complete);
  const owners = tellOwners ? await tellOwners(complete, true) : undefined;
  const ownerChanges = owners ? changesNotIn(owners.changes, complete) : [];
  if (record && ownerChanges.length > 0) await record(ownerChanges);
  return { messagesPosted, ...(owners ? { ownerMessages: owners.summary } : {}) };
}

/** The owners to tell in this run, looked up in Slack. */
interface PreparedOwners {
  readonly deliveries: readonly OwnerDelivery[];
  readonly lookups: ReadonlyMap<string, OwnerLookup>;
  readonly problems: ReadonlyMap<string, string>;
}

async function prepareOwners(
  app: SlackAppSession,
  classification: Classification,
  plan: AlertPlan | undefined,
  records: readonly AlertRecord[],
  pendingResolutions: readonly AlertRecord[],
): Promise<PreparedOwners | undefined> {
  const deliveries = planOwnerDeliveries({
    classification,
    ...(plan ? { announcements: plan.announcements, records, pendingResolutions } : {}),
  });
  if (deliveries.length === 0) return undefined;
  const lookups = await app.lookupOwners(ownerEmails(deliveries));
  return { deliveries, lookups, problems: ownerProblems(lookups) };
}

/**
 * The keys the channel digest names on their own line; undefined without alert state, where every
 * flagged key is posted on every run anyway.
 */
function namedKeys(sent: MessagesToSend, plan: AlertPlan | undefined): ReadonlySet<string> | undefined {
  if (!plan) return undefined;
  return new Set(sent.namedPerMessage.flat().map((a) => a.finding?.accessKeyId ?? a.previous?.accessKeyId ?? ""));
}

function ownerStep(
  app: SlackAppSession,
  owners: PreparedOwners,
  named: ReadonlySet<string> | undefined,
  loaded: readonly AlertRecord[],
  context: Omit<Parameters<typeof renderOwnerMessages>[2], "channel">,
  logger: Logger,
): OwnerStep {
  // An announcement the channel only counted stays due, so its owner hears about it when a later run
  // names it, once; retries of earlier messages go out regardless.
  const deliveries = owners.deliveries.filter((d) => d.retry || named === undefined || named.has(d.accessKeyId));
  return async (changes, channelDelivered) => {
    const messages = renderOwnerMessages(deliveries, owners.lookups, { ...context, channel: app.channel });
    const report = channelDelivered
      ? await app.sendOwnerMessages(messages)
      : { sent: [], failed: messages.map((m) => ({ email: m.email, reason: "the channel delivery failed first" })) };
    for (const failure of report.failed) {
      logger.warn("owner direct message failed; it is sent again on the next run", {
        owner: failure.email,
        error: app.redact(failure.reason),
      });
    }
    const failed = new Set(report.failed.map((failure) => failure.email));
    return {
      changes: recordOwnerOutcome({ changes, deliveries, failed, records: loaded }),
      summary: { sent: report.sent.length, failed: failed.size, notFound: owners.problems.size },
    };
  };
}
