import type { AlertPlan, AnnouncementKind } from "../alerts/alert-transitions";
import type { Classification, ReportedCounts, StatusCounts } from "../scan/classify";
import type { ScanStats } from "../scan/inventory";
import type { MessagesToSend } from "../alerts/messages-to-send";
import type { RenderedDigest } from "../slack/render-digest";
import { runOutcome, type RunOutcome } from "./run-outcome";
import type { EnforcementSummary } from "../enforcement/plan-enforcement";
import { describeUsers } from "../scan/scan-budget";

/** What a run found and did; also the Lambda's return value. */
export interface RunSummary {
  /** See {@link RunOutcome}. */
  readonly outcome: RunOutcome;
  /** The environment label. @default undefined */
  readonly environment?: string;
  /** The scanned account. */
  readonly accountId: string;
  /** Keys per status; `fromReport` tells the part of ok and inactive a credential report vouches for. */
  readonly counts: StatusCounts;
  /** The ok and inactive keys counted from a credential report, and its time. @default undefined: all read live */
  readonly fromReport?: ReportedCounts;
  /** Keys that are critical, warning or unused. */
  readonly flaggedKeys: number;
  /** Flagged keys (with alert state: announcements) with their own line in the digest; only these are recorded. */
  readonly listedKeys: number;
  /** Flagged keys (or announcements) only counted in the "… and N more" note; with alert state they stay due. */
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
  /** Users the scan could not check before its time budget ran out; the run fails after delivery. */
  readonly uncheckedUsers: number;
  /** The first of them by name, and how many more. @default undefined: every user was checked */
  readonly uncheckedNamed?: string;
  /** IAM requests answered with a throttling error. */
  readonly throttledRequests: number;
  /** Attempts the SDK repeated after an error. */
  readonly retries: number;
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
  /** What enforcement did. @default undefined: enforcement off */
  readonly enforcement?: EnforcementSummary;
  /** With the Slack app: owners messaged directly, failed, not found, still pending, and lookups made. @default undefined */
  readonly ownerMessages?: OwnerMessagesSummary;
}

/** What the owners' direct messages did in a run. */
export interface OwnerMessagesSummary {
  /** Owners whose message Slack accepted. */
  readonly sent: number;
  /** Owners whose message failed; they are told on the next run. */
  readonly failed: number;
  /** Owner addresses Slack does not know; the channel digest names them. */
  readonly notFound: number;
  /**
   * Owners not told in this run (their message failed, or the time or Slack's rate limits ran out
   * first); with alert state they stay pending and the next run tells them.
   */
  readonly pending: number;
  /** `users.lookupByEmail` calls made: 0 in a steady state, where the owner cache knows everyone. */
  readonly lookups: number;
}

/** What a finished run knows, for {@link buildRunSummary}. */
export interface RunSummaryInput {
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** `DRY_RUN`. */
  readonly dryRun: boolean;
  /** The scanned account. */
  readonly accountId: string;
  /** The scan's stats. */
  readonly stats: ScanStats;
  /** The classification. */
  readonly classification: Classification;
  /** The rendered digest (for listed and unlisted counts). */
  readonly digest: RenderedDigest;
  /** The messages the run sent (or would send). */
  readonly sent: MessagesToSend;
  /** Slack messages accepted. */
  readonly messagesPosted: number;
  /** The alert plan. @default undefined: stateless */
  readonly plan?: AlertPlan;
  /** True when the heartbeat rule started the run. */
  readonly heartbeat: boolean;
  /** Wall time of the run. */
  readonly durationMs: number;
  /** What enforcement did. @default undefined: enforcement off */
  readonly enforcement?: EnforcementSummary;
  /** The owners' direct messages. @default undefined: no Slack app */
  readonly ownerMessages?: OwnerMessagesSummary;
}

/** The run's summary: its outcome, counts and costs, in the shape the log line and the Lambda return. */
export function buildRunSummary(input: RunSummaryInput): RunSummary {
  const { classification, stats, plan } = input;
  return {
    outcome: runOutcome({
      dryRun: input.dryRun,
      messagesPosted: input.messagesPosted,
      heartbeatOnly: input.sent.heartbeatOnly,
      stateful: plan !== undefined,
      flaggedKeys: classification.flagged.length,
    }),
    ...(input.environmentName ? { environment: input.environmentName } : {}),
    accountId: input.accountId,
    counts: classification.counts,
    ...(classification.fromReport ? { fromReport: classification.fromReport } : {}),
    flaggedKeys: classification.flagged.length,
    listedKeys: input.digest.listedKeys,
    unlistedKeys: input.digest.unlistedKeys,
    usersScanned: classification.usersScanned,
    skippedUsers: stats.skippedUsers,
    missingWatchedUsers: stats.missingWatchedUsers,
    apiCalls: stats.apiCalls,
    strategy: stats.strategy ?? "api",
    ...(stats.candidateUsers !== undefined ? { candidateUsers: stats.candidateUsers } : {}),
    uncheckedUsers: stats.uncheckedUsers?.length ?? 0,
    ...(stats.uncheckedUsers?.length ? { uncheckedNamed: describeUsers(stats.uncheckedUsers) } : {}),
    throttledRequests: stats.throttledRequests ?? 0,
    retries: stats.retries ?? 0,
    messagesRendered: input.sent.messages.length,
    messagesPosted: input.messagesPosted,
    dryRun: input.dryRun,
    durationMs: input.durationMs,
    ...(plan ? { alerts: { ...plan.counts, unchanged: plan.unchanged } } : {}),
    ...(input.heartbeat ? { heartbeat: true as const } : {}),
    ...(input.enforcement ? { enforcement: input.enforcement } : {}),
    ...(input.ownerMessages ? { ownerMessages: input.ownerMessages } : {}),
  };
}
