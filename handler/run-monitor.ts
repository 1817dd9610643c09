import { classifyKeys, type StatusCounts } from "./core/classify";
import type { MonitorConfig } from "./core/config";
import type { ScanResult } from "./core/inventory";
import { redactWebhookUrl } from "./core/mask";
import { renderDigest, type RenderDigestOptions } from "./core/render-digest";
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
}

/** What a run found and did; also the Lambda's return value. */
export interface RunSummary {
  /** `alerted`: a digest was posted; `nothing-flagged`: no key needs attention; `dry-run`: logged, not posted. */
  readonly outcome: "alerted" | "nothing-flagged" | "dry-run";
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
  /** Slack messages rendered. */
  readonly messagesRendered: number;
  /** Slack messages posted (0 in a dry run). */
  readonly messagesPosted: number;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Wall time of the run. */
  readonly durationMs: number;
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
    const [scan, accountId] = await Promise.all([deps.scan(), deps.accountId()]);
    const classification = classifyKeys(scan.inventory, config.thresholds, startedAt);
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
      },
      deps.renderOptions,
    );

    let messagesPosted = 0;
    if (config.dryRun) {
      digest.messages.forEach((payload, index) =>
        log({
          ...deps.logContext,
          level: "info",
          message: "dry run: Slack payload not posted",
          part: `${index + 1}/${digest.messages.length}`,
          payload,
        }),
      );
    } else if (digest.messages.length > 0 && webhookUrl) {
      messagesPosted = (await deps.deliver(digest.messages, webhookUrl)).messagesPosted;
    }

    const summary: RunSummary = {
      outcome: config.dryRun ? "dry-run" : messagesPosted > 0 ? "alerted" : "nothing-flagged",
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
      messagesRendered: digest.messages.length,
      messagesPosted,
      dryRun: config.dryRun,
      durationMs: now().getTime() - startedAt.getTime(),
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
