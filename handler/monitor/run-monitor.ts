import { planAlerts, type AlertPlan, type AlertRecord } from "../alerts/alert-transitions";
import { classifyKeys, type Classification } from "../scan/classify";
import type { MonitorConfig } from "../runtime/config/config";
import { errorFields } from "../runtime/error-fields";
import { createLogger, type Logger } from "../runtime/logger";
import type { ScanResult } from "../scan/inventory";
import { redactWebhookUrl } from "../runtime/mask";
import { messagesToSend, type MessagesToSend } from "../alerts/messages-to-send";
import { announcementsWithOwnerProblems, withOwnerProblems } from "../slack/owners/owner-problems";
import { splitPendingResolutions } from "../slack/owners/plan-owner-deliveries";
import { renderDigest, type RenderedDigest } from "../slack/render-digest";
import { buildRunSummary, type RunSummary } from "../runtime/run-summary";
import { withUncheckedUsers } from "../slack/render-unchecked";
import type { RunTrigger } from "../runtime/run-trigger";
import { embeddedMetrics } from "../runtime/run-metrics";
import { recordsOfCheckedUsers, ScanIncompleteError } from "../scan/scan-budget";
import { planTagProblemNotes, type TagProblemNote } from "../alerts/tag-problem-notes";
import type { SlackAppSession } from "../slack/slack-app";
import { enforce, planEnforcementFor, type EnforcementDeps } from "../enforcement/run-enforcement";

export type { RunSummary } from "../runtime/run-summary";
export type { RunMonitorDeps } from "./run-monitor-deps";
import type { RunMonitorDeps } from "./run-monitor-deps";
import { namedKeys, ownerStep, prepareOwners, type OwnerStep } from "./owner-step";
import { exportFindingsStage } from "./export-findings-stage";
import { eventExposedKeyIds } from "./exposed-keys";
import { deliverAndRecord, deliverOne, webhookChannel, type DigestChannel } from "./deliver-and-record";
import { enforcementUsageCandidates, usageStage } from "./usage-stage";

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
  const run: RunContext = {
    deps,
    config,
    startedAt: now(),
    environment,
    trigger: deps.trigger ?? { heartbeat: false },
    logger: (deps.logger ?? createLogger()).child(
      config.environmentName ? { environment: config.environmentName } : {},
    ),
  };
  let destination: Destination = {};
  try {
    // Resolved before the scan so a broken Slack setting fails every run, not only the ones with alerts.
    destination = await resolveDestination(deps);
    const inputs = await readInputs(deps, run.trigger, run.startedAt);
    const decided = await decide(run, destination, inputs);
    const channel = digestChannel(deps, destination);
    const delivered = config.dryRun
      ? { messagesPosted: logDryRun(decided.sent, run.logger), complete: [] }
      : await deliverAndRemember(run, channel, decided, inputs);
    // [summarise usage]: lines for the keys the enforcement message and the owners' messages name.
    const usageLines = config.dryRun ? undefined : await summariseUsage(run, decided);
    // Only after the digest reached Slack: a run that cannot tell Slack deactivates nothing. The
    // enforcement message goes out before any owner work, which takes whatever time is left.
    const enforcement =
      deps.enforcement && decided.enforcementPlan
        ? await enforce(deps.enforcement, {
            plan: decided.enforcementPlan,
            now: run.startedAt,
            accountId: inputs.accountId,
            ...environment,
            ...(channel ? { deliver: deliverOne(channel) } : {}),
            logger: run.logger,
            ...(usageLines ? { usageLines } : {}),
          })
        : undefined;
    // [export findings]: a copy of what Slack got, for Security Hub; it never fails the run.
    if (deps.securityHub) {
      const schedules = decided.enforcementPlan ? { schedules: decided.enforcementPlan.schedules } : {};
      const { classification, unchecked: uncheckedUsers } = decided;
      const stage = { classification, uncheckedUsers, now: run.startedAt, dryRun: config.dryRun, ...environment };
      await exportFindingsStage(deps.securityHub, { ...stage, ...schedules, logger: run.logger });
    }
    const ownerMessages =
      decided.tellOwners && !config.dryRun
        ? await decided.tellOwners.tell(delivered.complete, decided.plan && deps.alertState?.apply, usageLines)
        : undefined;
    const summary = buildRunSummary({
      ...environment,
      dryRun: config.dryRun,
      accountId: inputs.accountId,
      stats: inputs.scan.stats,
      classification: decided.classification,
      digest: decided.digest,
      sent: decided.sent,
      messagesPosted: delivered.messagesPosted + (enforcement?.messagesPosted ?? 0),
      ...(decided.plan ? { plan: decided.plan } : {}),
      ...(enforcement ? { enforcement } : {}),
      heartbeat: run.trigger.heartbeat,
      durationMs: now().getTime() - run.startedAt.getTime(),
      ...(ownerMessages ? { ownerMessages } : {}),
    });
    return finishRun(run, summary, decided.unchecked);
  } catch (error) {
    run.logger.error("key-age scan failed", {
      ...errorFields(error, (text) => destination.app?.redact(text) ?? redactWebhookUrl(text, destination.webhookUrl)),
      dryRun: config.dryRun,
      durationMs: now().getTime() - run.startedAt.getTime(),
    });
    throw error;
  }
}

/** What every stage of a run shares. */
interface RunContext {
  readonly deps: RunMonitorDeps;
  readonly config: MonitorConfig;
  readonly startedAt: Date;
  readonly environment: { readonly environmentName?: string };
  readonly trigger: RunTrigger;
  readonly logger: Logger;
}

/** Where the run posts: the Slack app, or the webhook URL; neither for a dry run. */
interface Destination {
  readonly app?: SlackAppSession;
  readonly webhookUrl?: string;
}

async function resolveDestination(deps: RunMonitorDeps): Promise<Destination> {
  const app = deps.config.dryRun ? undefined : await deps.slackApp?.();
  if (app) return { app };
  const webhookUrl = await resolveWebhookUrl(deps);
  return webhookUrl !== undefined ? { webhookUrl } : {};
}

/** What a run reads before deciding anything: the scan, and whatever state earlier runs left. */
interface RunInputs {
  /** The users the last run could not check, scanned first. */
  readonly checkFirst: readonly string[];
  /** Keys an AWS Health exposure event named, this run's or remembered (see exposed-keys.ts). */
  readonly exposedKeyIds: readonly string[];
  readonly scan: ScanResult;
  readonly accountId: string;
  /** The alert records. @default undefined: stateless */
  readonly loaded?: readonly AlertRecord[];
  readonly enforcementRecords?: Awaited<ReturnType<EnforcementDeps["load"]>>;
  readonly tagNotes?: readonly TagProblemNote[];
}

async function readInputs(deps: RunMonitorDeps, trigger: RunTrigger, now: Date): Promise<RunInputs> {
  // The alert state comes before the scan: a key an earlier exposure event named must be read again.
  const [checkFirst, loaded] = await Promise.all([
    deps.uncheckedUsers?.load().then((users) => users ?? []) ?? [],
    deps.alertState?.load(),
  ]);
  const exposedKeyIds = eventExposedKeyIds(trigger, loaded, now);
  const [scan, accountId, enforcementRecords, tagNotes] = await Promise.all([
    deps.scan({ checkFirst, ...(exposedKeyIds.length > 0 ? { exposedKeyIds } : {}) }),
    deps.accountId(),
    deps.enforcement?.load(),
    deps.alertState?.loadTagNotes?.(),
  ]);
  return {
    checkFirst,
    exposedKeyIds,
    scan,
    accountId,
    ...(loaded ? { loaded } : {}),
    ...(enforcementRecords ? { enforcementRecords } : {}),
    ...(tagNotes ? { tagNotes } : {}),
  };
}

/** What a run decided: the classification, the plans, and the messages to post. */
interface RunDecisions {
  readonly classification: Classification;
  readonly unchecked: readonly string[];
  readonly plan?: AlertPlan;
  readonly enforcementPlan?: ReturnType<typeof planEnforcementFor>;
  readonly tagPlan?: ReturnType<typeof planTagProblemNotes>;
  readonly digest: RenderedDigest;
  readonly sent: MessagesToSend;
  readonly tellOwners?: OwnerStep;
}

/**
 * Classifies, compares with the alert state, plans enforcement and tag-problem notes, and renders
 * the messages. Pure but for a read of the owner cache, so that the channel names the owners an
 * earlier run found unknown to Slack; no Slack call happens before the digest.
 */
async function decide(run: RunContext, destination: Destination, inputs: RunInputs): Promise<RunDecisions> {
  const { config, startedAt, environment, trigger, deps } = run;
  const { scan, accountId, loaded } = inputs;
  const unchecked = scan.stats.uncheckedUsers ?? [];
  // An unchecked user's keys are unknown: their alerts are neither resolved nor reminded.
  const { records, pendingResolutions } = splitPendingResolutions(recordsOfCheckedUsers(loaded ?? [], unchecked));
  const scanned = classifyKeys(scan.inventory, config.thresholds, startedAt, {
    maxExemption: config.maxExemption,
    ...(inputs.exposedKeyIds.length > 0 ? { exposedKeyIds: inputs.exposedKeyIds } : {}),
    maxTagAge: config.maxTagAge,
    maxOwners: config.maxOwnersPerKey,
  });
  const planned = loaded && compareWithAlertState(records, scan, scanned, config, trigger, startedAt);
  const { app } = destination;
  const owners = app && (await prepareOwners(app, scanned, planned, records, pendingResolutions, run.logger));
  const classification = owners ? withOwnerProblems(scanned, owners.problems) : scanned;
  const plan =
    planned && owners
      ? { ...planned, announcements: announcementsWithOwnerProblems(planned.announcements, owners.problems) }
      : planned;
  const enforcementPlan =
    deps.enforcement && inputs.enforcementRecords
      ? planEnforcementFor(
          deps.enforcement,
          classification.findings,
          inputs.enforcementRecords,
          startedAt,
          config.remindEvery.ms,
          // Users left unchecked: the brake cannot count their keys, so nothing is deactivated.
          unchecked.length > 0,
        )
      : undefined;
  const tagPlan =
    inputs.tagNotes &&
    planTagProblemNotes({
      tagProblems: classification.tagProblems,
      notes: inputs.tagNotes,
      now: startedAt,
      uncheckedUsers: unchecked,
    });
  const overview = { classification, accountId, ...environment, missingWatchedUsers: scan.stats.missingWatchedUsers };
  const schedules = enforcementPlan ? { deactivationSchedules: enforcementPlan.schedules } : {};
  const digest = renderDigest(
    {
      ...overview,
      skippedUsers: scan.stats.skippedUsers,
      thresholdLabels: config.thresholdLabels,
      style: config.messageStyle,
      now: startedAt,
      ...(plan ? { announcements: plan.announcements } : {}),
      ...schedules,
      // Stateless digests carry every tag problem; with alert state only new or changed ones.
      tagProblems: tagPlan ? tagPlan.toAnnounce : plan ? [] : classification.tagProblems,
    },
    // Without alert state no later run knows what this one left unnamed: name every key now.
    { ...deps.renderOptions, nameEveryKey: plan === undefined },
  );
  // With users unchecked there is no all-clear: their own message goes out instead.
  const sent = withUncheckedUsers(
    messagesToSend(digest, trigger.heartbeat && unchecked.length === 0, { ...overview, now: startedAt }),
    { uncheckedUsers: unchecked, usersChecked: classification.usersScanned, accountId, ...environment, now: startedAt },
  );
  // The owner sees the key's deactivation date too, as the channel does.
  const ownerContext = { ...overview, style: config.messageStyle, now: startedAt, ...schedules };
  const tellOwners =
    app && owners && ownerStep(app, owners, namedKeys(sent, plan), loaded ?? [], ownerContext, run.logger);
  return {
    classification,
    unchecked,
    ...(plan ? { plan } : {}),
    ...(enforcementPlan ? { enforcementPlan } : {}),
    ...(tagPlan ? { tagPlan } : {}),
    digest,
    sent,
    ...(tellOwners ? { tellOwners } : {}),
  };
}

/** The usage lines of this run's deactivation notices (first: they matter most) and owner messages. */
async function summariseUsage(
  run: RunContext,
  decided: RunDecisions,
): Promise<ReadonlyMap<string, string> | undefined> {
  const { keyUsage } = run.deps;
  if (!keyUsage) return undefined;
  return usageStage(keyUsage, {
    candidates: [
      ...(run.deps.enforcement ? enforcementUsageCandidates(decided.enforcementPlan) : []),
      ...(decided.tellOwners?.keys ?? []),
    ],
    flaggedKeyIds: new Set(decided.classification.flagged.map((finding) => finding.accessKeyId)),
    uncheckedUsers: decided.unchecked,
    now: run.startedAt,
    logger: run.logger,
  });
}

/** The digest's channel: the Slack app's, or the webhook; undefined for a dry run. */
function digestChannel(deps: RunMonitorDeps, destination: Destination): DigestChannel | undefined {
  if (destination.app) return destination.app;
  return destination.webhookUrl !== undefined ? webhookChannel(deps, destination.webhookUrl) : undefined;
}

/**
 * Posts and records what Slack accepted, then what else the run learnt: the tag problems it named
 * (reached only when every message was accepted) and the users it could not check, for the next run.
 */
async function deliverAndRemember(
  run: RunContext,
  channel: DigestChannel | undefined,
  decided: RunDecisions,
  inputs: RunInputs,
): Promise<Awaited<ReturnType<typeof deliverAndRecord>>> {
  const { deps } = run;
  const { sent, plan, tagPlan, unchecked } = decided;
  const delivered = await deliverAndRecord(deps, sent, plan, channel, decided.tellOwners, run.logger);
  if (tagPlan && deps.alertState?.applyTagNotes) {
    const named = sent.heartbeatOnly ? [] : (decided.digest.tagProblemsNamed ?? []);
    await deps.alertState.applyTagNotes([...tagPlan.silentChanges, ...tagPlan.onDelivery(named)]);
  }
  if (deps.uncheckedUsers && (unchecked.length > 0 || inputs.checkFirst.length > 0)) {
    await deps.uncheckedUsers.save(unchecked, run.startedAt);
  }
  return delivered;
}

/**
 * Logs the run's summary line (also its metrics record) and returns the summary; a scan that
 * stopped on its budget has posted everything it found, and now fails so that the alarm fires.
 */
function finishRun(run: RunContext, summary: RunSummary, unchecked: readonly string[]): RunSummary {
  const fields = {
    ...summary,
    ...embeddedMetrics(summary, run.config.environmentName ?? "default", run.startedAt),
  };
  if (unchecked.length === 0) {
    run.logger.info("key-age scan finished", fields);
    return summary;
  }
  run.logger.warn("key-age scan stopped on its time budget", fields);
  throw new ScanIncompleteError(unchecked);
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
