import {
  planAlerts,
  type AlertPlan,
  type AlertRecord,
  type AnnouncementKind,
  type StateChange,
} from "./core/alert-transitions";
import { classifyKeys, type StatusCounts } from "./core/classify";
import type { MonitorConfig } from "./core/config";
import type { ScanResult } from "./core/inventory";
import { redactWebhookUrl } from "./core/mask";
import { renderDigest, renderHeartbeat, type RenderDigestOptions, type RenderedDigest } from "./core/render-digest";
import type { RunTrigger } from "./core/run-trigger";
import { embeddedMetrics } from "./core/run-metrics";
import type { SlackMessage } from "./core/slack-message";

/** One structured log entry; the default logger writes it as a single JSON line. */
export type LogEntry = Readonly<Record<string, unknown>>;

/** The stages {@link runMonitor} wires together; only `scan`, `accountId`, `webhookUrl` and `deliver` do I/O. */
export interface RunMonitorDeps {
  /** The validated configuration. */
  readonly config: MonitorConfig;
  /** Scans the account (the API walk today; a credential-report scanner later). */
  readonly scan: () => Promise<ScanResult>;
  /** Resolves the account id shown in the digest. */
  readonly accountId: () => Promise<string>;
  /** Resolves the webhook URL. @default undefined: only allowed for a dry run */
  readonly webhookUrl?: () => Promise<string>;
  /** Posts the messages; resolves with how many were posted. */
  readonly deliver: (messages: readonly SlackMessage[], webhookUrl: string) => Promise<{ messagesPosted: number }>;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** Where the run's log lines go. @default one JSON line per entry on stdout */
  readonly log?: (entry: LogEntry) => void;
  /** Digest layout budgets. @default renderDigest's defaults */
  readonly renderOptions?: RenderDigestOptions;
  /** Extra fields for every log line, such as the request id. @default {} */
  readonly logContext?: LogEntry;
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
}

/** What a run found and did; also the Lambda's return value. */
export interface RunSummary {
  /**
   * `alerted`: a digest was posted; `nothing-flagged`: no key needs attention; `unchanged`: keys
   * need attention but were announced already (alert state); `heartbeat`: only the daily all-clear
   * was posted; `dry-run`: logged, not posted.
   */
  readonly outcome: "alerted" | "nothing-flagged" | "unchanged" | "heartbeat" | "dry-run";
  /** The environment label. @default undefined */
  readonly environment?: string;
  /** The scanned account. */
  readonly accountId: string;
  /** Keys per status. */
  readonly counts: StatusCounts;
  /** Keys that are critical, warning or unused. */
  readonly flaggedKeys: number;
  /** Flagged keys with their own line in the digest. */
  readonly listedKeys: number;
  /** Flagged keys only counted in the "… and N more" note. */
  readonly unlistedKeys: number;
  /** Users whose keys were scanned. */
  readonly usersScanned: number;
  /** Users deleted mid-scan and skipped. */
  readonly skippedUsers: readonly string[];
  /** Watched users that do not exist. */
  readonly missingWatchedUsers: readonly string[];
  /** AWS API requests made by the scan. */
  readonly apiCalls: number;
  /** How the account was scanned: every user, or the credential report then its candidates. */
  readonly strategy: "api" | "credential-report";
  /** Users the credential report could not clear and that were checked live. @default undefined: api scan */
  readonly candidateUsers?: number;
  /** Slack messages rendered. */
  readonly messagesRendered: number;
  /** Slack messages posted (0 in a dry run). */
  readonly messagesPosted: number;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Wall time of the run. */
  readonly durationMs: number;
  /** With alert state: announcements per kind, and flagged keys left silent. @default undefined: stateless */
  readonly alerts?: Readonly<Record<AnnouncementKind | "unchanged", number>>;
  /** Present (true) when the heartbeat rule started the run. @default undefined */
  readonly heartbeat?: true;
}

const writeJsonLine = (entry: LogEntry): void => console.log(JSON.stringify(entry));

/**
 * Runs one monitor pass: resolve the webhook, scan, classify, render, deliver, log one summary line.
 * Any failure logs an error line and rethrows, so nothing is posted and no "all clear" is returned
 * after a failed scan; the Lambda error is what raises the alarm.
 */
export async function runMonitor(deps: RunMonitorDeps): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? writeJsonLine;
  const { config } = deps;
  const startedAt = now();
  let webhookUrl: string | undefined;
  try {
    // Resolved before the scan so a broken webhook setting fails every run, not only the ones with alerts.
    if (!config.dryRun) {
      if (!deps.webhookUrl) throw new Error("No webhook source configured and DRY_RUN is not true");
      webhookUrl = await deps.webhookUrl();
    }
    const trigger = deps.trigger ?? { heartbeat: false };
    const [scan, accountId, records] = await Promise.all([deps.scan(), deps.accountId(), deps.alertState?.load()]);
    const classification = classifyKeys(scan.inventory, config.thresholds, startedAt);
    const plan: AlertPlan | undefined = records
      ? planAlerts({
          records,
          classification,
          now: startedAt,
          remindEveryMs: config.remindEvery.ms,
          watchUsers: config.watchUsers,
          scannedUsers: new Set(scan.inventory.users.map((user) => user.userName)),
          partialScan: (scan.inventory.reportOnly?.users ?? 0) > 0,
          ...(trigger.eventId !== undefined ? { eventId: trigger.eventId } : {}),
        })
      : undefined;
    const digest = renderDigest(
      {
        classification,
        accountId,
        ...(config.environmentName ? { environmentName: config.environmentName } : {}),
        skippedUsers: scan.stats.skippedUsers,
        missingWatchedUsers: scan.stats.missingWatchedUsers,
        thresholdLabels: config.thresholdLabels,
        style: config.messageStyle,
        now: startedAt,
        ...(plan ? { announcements: plan.announcements } : {}),
      },
      deps.renderOptions,
    );
    // The heartbeat's all-clear only goes out when nothing else does: any digest proves the monitor runs.
    const heartbeatOnly = trigger.heartbeat && digest.messages.length === 0;
    const messages = heartbeatOnly
      ? [
          renderHeartbeat({
            classification,
            accountId,
            ...(config.environmentName ? { environmentName: config.environmentName } : {}),
            missingWatchedUsers: scan.stats.missingWatchedUsers,
            now: startedAt,
          }),
        ]
      : digest.messages;

    let messagesPosted = 0;
    if (config.dryRun) {
      messages.forEach((payload, index) =>
        log({
          ...deps.logContext,
          level: "info",
          message: "dry run: Slack payload not posted",
          part: `${index + 1}/${messages.length}`,
          payload,
        }),
      );
    } else {
      if (messages.length > 0 && webhookUrl) {
        try {
          messagesPosted = (await deps.deliver(messages, webhookUrl)).messagesPosted;
        } catch (error) {
          if (plan && deps.alertState && !heartbeatOnly) {
            await recordPartialDelivery(plan, digest, error, deps.alertState.apply, (entry) =>
              log({ ...deps.logContext, ...entry }),
            );
          }
          throw error;
        }
      }
      // Recorded only now that Slack accepted every message: a failed run announces it all again.
      if (plan && deps.alertState) {
        await deps.alertState.apply([...plan.silentChanges, ...plan.announcements.map((a) => a.change)]);
      }
    }

    const summary: RunSummary = {
      outcome: config.dryRun
        ? "dry-run"
        : messagesPosted > 0
          ? heartbeatOnly
            ? "heartbeat"
            : "alerted"
          : plan && classification.flagged.length > 0
            ? "unchanged"
            : "nothing-flagged",
      ...(config.environmentName ? { environment: config.environmentName } : {}),
      accountId,
      counts: classification.counts,
      flaggedKeys: classification.flagged.length,
      listedKeys: digest.listedKeys,
      unlistedKeys: digest.unlistedKeys,
      usersScanned: classification.usersScanned,
      skippedUsers: scan.stats.skippedUsers,
      missingWatchedUsers: scan.stats.missingWatchedUsers,
      apiCalls: scan.stats.apiCalls,
      strategy: scan.stats.strategy ?? "api",
      ...(scan.stats.candidateUsers !== undefined ? { candidateUsers: scan.stats.candidateUsers } : {}),
      messagesRendered: messages.length,
      messagesPosted,
      dryRun: config.dryRun,
      durationMs: now().getTime() - startedAt.getTime(),
      ...(plan ? { alerts: { ...plan.counts, unchanged: plan.unchanged } } : {}),
      ...(trigger.heartbeat ? { heartbeat: true as const } : {}),
    };
    log({
      ...deps.logContext,
      level: "info",
      message: "key-age scan finished",
      ...summary,
      ...embeddedMetrics(summary, config.environmentName ?? "default", startedAt),
    });
    return summary;
  } catch (error) {
    log({
      ...deps.logContext,
      level: "error",
      message: "key-age scan failed",
      ...(config.environmentName ? { environment: config.environmentName } : {}),
      errorName: error instanceof Error ? error.name : "Error",
      error: redactWebhookUrl(error instanceof Error ? error.message : String(error), webhookUrl),
      dryRun: config.dryRun,
      durationMs: now().getTime() - startedAt.getTime(),
    });
    throw error;
  }
}

/**
 * After a delivery failed part-way, records the announcements of the messages Slack did accept
 * (the error's `messagesPosted`), so the retry re-sends only the rest. A failure to record is
 * logged, not thrown: the delivery error is the one the run fails with.
 */
async function recordPartialDelivery(
  plan: AlertPlan,
  digest: RenderedDigest,
  error: unknown,
  apply: (changes: readonly StateChange[]) => Promise<void>,
  log: (entry: LogEntry) => void,
): Promise<void> {
  const posted = (error as { messagesPosted?: unknown } | null)?.messagesPosted;
  if (typeof posted !== "number" || posted <= 0) return;
  const delivered = digest.entriesPerMessage.slice(0, posted).reduce((sum, count) => sum + count, 0);
  const changes = plan.announcements.slice(0, delivered).map((announcement) => announcement.change);
  try {
    await apply(changes);
  } catch (recordError) {
    log({
      level: "warn",
      message: "could not record the announcements Slack accepted before the failure; they will be sent again",
      error: recordError instanceof Error ? recordError.message : String(recordError),
    });
  }
}
