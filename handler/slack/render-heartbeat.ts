import type { Classification, ReportedCounts } from "../scan/classify";
import {
  SLACK_LIMITS,
  codeText,
  inertText,
  sectionBlock,
  titledHeader,
  truncateText,
  type SectionBlock,
  type SlackBlock,
  type SlackMessage,
} from "./slack-message";

const MAX_MISSING_USERS_LISTED = 50;

/** Inputs of {@link renderHeartbeat}. */
export interface HeartbeatInput {
  /** The classified keys. */
  readonly classification: Classification;
  /** The AWS account id shown in the header. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** Watched users that do not exist. @default [] */
  readonly missingWatchedUsers?: readonly string[];
  /** The scan time. */
  readonly now: Date;
}

/**
 * Renders the short daily all-clear, "N keys checked, none need attention", so that a quiet channel
 * is never ambiguous. When keys are still flagged (announced earlier and not due for a reminder) it
 * says how many instead of claiming all clear.
 */
export function renderHeartbeat(input: HeartbeatInput): SlackMessage {
  const { counts, usersScanned, flagged } = input.classification;
  // The counts include keys a credential-report scan only counted, so they are every key checked.
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const keys = `${total} ${total === 1 ? "key" : "keys"}`;
  const users = `${usersScanned} ${usersScanned === 1 ? "user" : "users"}`;
  const exempt = counts.exempt > 0 ? ` (${counts.exempt} exempt)` : "";
  const status =
    flagged.length === 0
      ? `:white_check_mark: ${keys} of ${users} checked, none need attention${exempt}.`
      : `:information_source: ${keys} of ${users} checked: ${flagged.length} still ${flagged.length === 1 ? "needs" : "need"} ` +
        `attention (${counts.critical} critical, ${counts.warning} warning, ${counts.unused} unused), already announced${exempt}.`;
  const reported = input.classification.fromReport;
  const missing = input.missingWatchedUsers ?? [];
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const title = flagged.length === 0 ? "IAM access keys · all clear · " : "IAM access keys · daily check · ";
  const blocks: SlackBlock[] = [
    titledHeader(title, where),
    sectionBlock(reported ? `${status}\n${reportedText(reported)}` : status),
    ...(missing.length > 0 ? [missingUsersBlock(missing)] : []),
    { type: "context", elements: [{ type: "mrkdwn", text: `Daily check · scanned ${input.now.toISOString()}` }] },
  ];
  const whereText = input.environmentName ? `${input.environmentName} (${input.accountId})` : input.accountId;
  const summary =
    flagged.length === 0
      ? `${keys} checked, none need attention`
      : `${keys} checked, ${flagged.length} still need attention`;
  return {
    text: truncateText(`IAM access keys in ${inertText(whereText)}: ${summary}`, SLACK_LIMITS.maxSectionTextChars),
    blocks,
  };
}

/** The watched users that do not exist, as many as fit. */
export function missingUsersBlock(missing: readonly string[]): SectionBlock {
  const title = `:warning: *Watched ${missing.length === 1 ? "user" : "users"} not found:* `;
  // Reserve room for the "… and N more" tail so the names never get cut mid-way.
  const room = SLACK_LIMITS.maxSectionTextChars - title.length - 40;
  const listed: string[] = [];
  let length = 0;
  for (const name of missing.slice(0, MAX_MISSING_USERS_LISTED)) {
    const item = codeText(truncateText(name, 200));
    if (length + item.length + 2 > room) break;
    listed.push(item);
    length += item.length + 2;
  }
  const rest = missing.length - listed.length;
  return sectionBlock(`${title}${listed.join(", ")}${rest > 0 ? ` … and ${rest} more` : ""}`);
}

/**
 * Labels the part of the totals a credential-report scan took from the report: those keys were not
 * read live, and a key changed since the report is counted as it was then.
 */
export function reportedText(reported: ReportedCounts): string {
  const keys = reported.ok + reported.inactive;
  const when = reported.generatedAt
    ? ` of ${reported.generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
    : "";
  return (
    `_Of these, ${reported.ok} OK and ${reported.inactive} inactive ${keys === 1 ? "key" : "keys"} ` +
    `(${reported.users} ${reported.users === 1 ? "user" : "users"}) are counted from the credential report${when}, not read live._`
  );
}
