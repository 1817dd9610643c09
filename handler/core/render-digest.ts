import type { Classification, KeyFinding, KeyStatus, StatusCounts, Thresholds } from "./classify";
import type { MessageStyle } from "./config";
import { formatDuration } from "./duration";
import { maskAccessKeyId } from "./mask";
import {
  SLACK_LIMITS,
  escapeMrkdwn,
  truncateText,
  type SectionBlock,
  type SlackBlock,
  type SlackMessage,
} from "./slack-message";

/** Everything the digest shows; all of it already computed, so rendering is pure. */
export interface DigestInput {
  /** The classified keys. */
  readonly classification: Classification;
  /** The AWS account id shown in the header. */
  readonly accountId: string;
  /** The environment label. @default undefined: the header shows only the account */
  readonly environmentName?: string;
  /** Users skipped because they vanished mid-scan. @default [] */
  readonly skippedUsers?: readonly string[];
  /** Watched users that do not exist. @default [] */
  readonly missingWatchedUsers?: readonly string[];
  /** The thresholds as configured (e.g. `90d`), for the footer. */
  readonly thresholdLabels: Readonly<Record<keyof Thresholds, string>>;
  /** Line wording. @default "digest" */
  readonly style?: MessageStyle;
  /** The scan time shown in the footer. */
  readonly now: Date;
}

/** Layout budgets of {@link renderDigest}. */
export interface RenderDigestOptions {
  /** Messages per run; keys beyond them are summarized ("… and 312 more"). @default 3 */
  readonly maxMessages?: number;
  /** Listed keys per message: a digest is for reading, not for archiving. @default 100 */
  readonly maxKeysPerMessage?: number;
  /** Key lines per section block, so Slack does not fold long sections. @default 20 */
  readonly maxLinesPerSection?: number;
}

/** The rendered digest. */
export interface RenderedDigest {
  /** Payloads to post, in order; empty when nothing needs attention. */
  readonly messages: readonly SlackMessage[];
  /** Flagged keys that have their own line. */
  readonly listedKeys: number;
  /** Flagged keys only counted in the "… and N more" note; `listedKeys + unlistedKeys` is every flagged key. */
  readonly unlistedKeys: number;
}

const STATUS_LABEL: Readonly<Record<KeyStatus, string>> = {
  critical: "Critical",
  warning: "Warning",
  unused: "Unused",
  ok: "OK",
  inactive: "Inactive",
};

const STATUS_EMOJI: Readonly<Record<KeyStatus, string>> = {
  critical: ":red_circle:",
  warning: ":large_orange_circle:",
  unused: ":zzz:",
  ok: ":white_check_mark:",
  inactive: ":black_circle:",
};

// A user name is at most 64 characters, so real lines are far shorter; this only guards the budget.
const MAX_LINE_CHARS = 500;
const MAX_MISSING_USERS_LISTED = 50;

/**
 * Renders one Block Kit digest for a run: a header with environment and account, counts by status,
 * one line per flagged key (most severe first) and a plain-text fallback, within Slack's limits.
 * When more keys are flagged than {@link RenderDigestOptions} allow, the rest are summarized in the
 * last message with their counts by status: no key is dropped silently. It renders nothing when no
 * key is flagged and no watched user is missing.
 */
export function renderDigest(input: DigestInput, options: RenderDigestOptions = {}): RenderedDigest {
  const maxMessages = Math.max(1, options.maxMessages ?? 3);
  const maxKeysPerMessage = Math.max(1, options.maxKeysPerMessage ?? 100);
  const maxLinesPerSection = Math.max(1, options.maxLinesPerSection ?? 20);
  const flagged = input.classification.flagged;
  const missing = input.missingWatchedUsers ?? [];
  if (flagged.length === 0 && missing.length === 0) return { messages: [], listedKeys: 0, unlistedKeys: 0 };

  // The header is added once the number of messages is known; one block stays free for the overflow note.
  const blockBudget = SLACK_LIMITS.maxBlocks - 2;
  const bodies: SlackBlock[][] = [];
  let next = 0;
  for (let m = 0; m < maxMessages && (m === 0 || next < flagged.length); m += 1) {
    const blocks: SlackBlock[] = m === 0 ? introBlocks(input) : [];
    let keysInMessage = 0;
    let lines: string[] = [];
    const flush = (): void => {
      if (lines.length > 0) blocks.push(section(lines.join("\n")));
      lines = [];
    };
    while (next < flagged.length && keysInMessage < maxKeysPerMessage) {
      const line = truncateText(renderLine(flagged[next], input), MAX_LINE_CHARS);
      const sectionFull =
        lines.length >= maxLinesPerSection ||
        [...lines, line].join("\n").length > SLACK_LIMITS.maxSectionTextChars;
      if (sectionFull) flush();
      if (lines.length === 0 && blocks.length >= blockBudget) break;
      lines.push(line);
      next += 1;
      keysInMessage += 1;
    }
    flush();
    bodies.push(blocks);
  }

  const unlisted = flagged.slice(next);
  if (unlisted.length > 0) bodies[bodies.length - 1].push(overflowBlock(unlisted));

  const messages = bodies.map((body, index) => ({
    text: fallbackText(input, index, bodies.length),
    blocks: [headerBlock(input, index, bodies.length), ...body],
  }));
  return { messages, listedKeys: next, unlistedKeys: unlisted.length };
}

/** Renders the line for one flagged key in the given style (exported for the future CLI). */
export function renderLine(finding: KeyFinding, input: Pick<DigestInput, "style" | "now">): string {
  const user = escapeMrkdwn(finding.userName);
  const key = maskAccessKeyId(finding.accessKeyId);
  if ((input.style ?? "digest") === "original") {
    switch (finding.status) {
      case "critical":
        return `${user}'s key ${key} is out of control. We must rotate the key!`;
      case "warning":
        return `${user}'s key ${key} is near to be out of control.`;
      default:
        return finding.lastUsedDate
          ? `${user}'s key ${key} has not been used for ${formatDuration(input.now.getTime() - finding.lastUsedDate.getTime())}.`
          : `${user}'s key ${key} has never been used since it was created ${formatDuration(finding.ageMs)} ago.`;
    }
  }
  return [
    `${STATUS_EMOJI[finding.status]} *${STATUS_LABEL[finding.status]}*`,
    `\`${user}\``,
    `\`${key}\``,
    `age ${formatDuration(finding.ageMs)}`,
    lastUsedText(finding, input.now),
  ].join(" · ");
}

function lastUsedText(finding: KeyFinding, now: Date): string {
  if (!finding.lastUsedDate) return "never used";
  const service = finding.lastUsedService ? ` (${escapeMrkdwn(finding.lastUsedService)})` : "";
  return `last used ${formatDuration(now.getTime() - finding.lastUsedDate.getTime())} ago${service}`;
}

function introBlocks(input: DigestInput): SlackBlock[] {
  const { counts, usersScanned } = input.classification;
  const skipped = input.skippedUsers?.length ?? 0;
  const scanned =
    `${usersScanned} ${usersScanned === 1 ? "user" : "users"} scanned` +
    (skipped > 0 ? `, ${skipped} skipped because they were deleted during the scan` : "");
  const blocks: SlackBlock[] = [section(`${countsText(counts)}\n${scanned}`)];
  const missing = input.missingWatchedUsers ?? [];
  if (missing.length > 0) blocks.push(missingUsersBlock(missing));
  const labels = input.thresholdLabels;
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text:
          `Warning at ${escapeMrkdwn(labels.warningAgeMs)}, critical at ${escapeMrkdwn(labels.criticalAgeMs)}, ` +
          `unused after ${escapeMrkdwn(labels.unusedAgeMs)} · scanned ${input.now.toISOString()}`,
      },
    ],
  });
  blocks.push({ type: "divider" });
  return blocks;
}

function missingUsersBlock(missing: readonly string[]): SectionBlock {
  const title = `:warning: *Watched ${missing.length === 1 ? "user" : "users"} not found:* `;
  // Reserve room for the "… and N more" tail so the names never get cut mid-way.
  const room = SLACK_LIMITS.maxSectionTextChars - title.length - 40;
  const listed: string[] = [];
  let length = 0;
  for (const name of missing.slice(0, MAX_MISSING_USERS_LISTED)) {
    const item = `\`${truncateText(escapeMrkdwn(name), 200)}\``;
    if (length + item.length + 2 > room) break;
    listed.push(item);
    length += item.length + 2;
  }
  const rest = missing.length - listed.length;
  return section(`${title}${listed.join(", ")}${rest > 0 ? ` … and ${rest} more` : ""}`);
}

function countsText(counts: StatusCounts): string {
  return (Object.keys(STATUS_LABEL) as KeyStatus[])
    .map((status) => `*${STATUS_LABEL[status]}:* ${counts[status]}`)
    .join("   ");
}

function overflowBlock(unlisted: readonly KeyFinding[]): SectionBlock {
  const byStatus = new Map<KeyStatus, number>();
  for (const finding of unlisted) byStatus.set(finding.status, (byStatus.get(finding.status) ?? 0) + 1);
  const breakdown = [...byStatus].map(([status, count]) => `${count} ${status}`).join(", ");
  return section(`… and ${unlisted.length} more flagged ${unlisted.length === 1 ? "key" : "keys"} not listed (${breakdown}).`);
}

function headerBlock(input: DigestInput, index: number, total: number): SlackBlock {
  const part = total > 1 ? ` (${index + 1}/${total})` : "";
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const prefix = "IAM access keys need attention · ";
  const room = SLACK_LIMITS.maxHeaderTextChars - prefix.length - part.length;
  return {
    type: "header",
    text: { type: "plain_text", text: `${prefix}${truncateText(where, room)}${part}`, emoji: true },
  };
}

function fallbackText(input: DigestInput, index: number, total: number): string {
  const { counts } = input.classification;
  const where = input.environmentName ? `${input.environmentName} (${input.accountId})` : input.accountId;
  const missing = input.missingWatchedUsers?.length ?? 0;
  const parts = [`${counts.critical} critical`, `${counts.warning} warning`, `${counts.unused} unused`];
  if (missing > 0) parts.push(`${missing} watched ${missing === 1 ? "user" : "users"} not found`);
  const part = total > 1 ? ` (message ${index + 1} of ${total})` : "";
  return truncateText(
    escapeMrkdwn(`IAM access keys need attention in ${where}: ${parts.join(", ")}${part}`),
    SLACK_LIMITS.maxSectionTextChars,
  );
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
