import type { Announcement, AnnouncementKind } from "../alerts/alert-transitions";
import type { Classification, KeyStatus, StatusCounts, Thresholds, UserTagProblems } from "../scan/classify";
import { CONFIG_DEFAULTS, type MessageStyle } from "../runtime/config/config";
import type { DeactivationSchedule } from "../enforcement/deactivation-schedule";
import { REMEDIATION, ROTATE_ACCESS_KEYS_DOCS_URL } from "./remediation";
import { renderTagProblems } from "./render-tag-problems";
import { missingUsersBlock, reportedText } from "./render-heartbeat";
import { lineNotes, renderAnnouncement, renderLine, STATUS_LABEL } from "./render-key-line";
import { EXPOSED_KEY_DOCS_URL, exposedKeysNotFoundBlock } from "./render-exposure";

export { renderHeartbeat, reportedText, type HeartbeatInput } from "./render-heartbeat";
export {
  STATUS_LABEL,
  deactivationNote,
  renderAnnouncement,
  renderLine,
  type AnnouncementContent,
} from "./render-key-line";
import {
  SLACK_LIMITS,
  sectionBlock,
  codeText,
  inertText,
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
  /**
   * What the alert state says to announce. When set, the digest lists these (new, worse, reminder,
   * resolved) instead of every flagged key, and renders nothing when there are none.
   * @default undefined: stateless, every flagged key is listed
   */
  readonly announcements?: readonly Announcement[];
  /**
   * Each enforced key's deactivation schedule, by key id: the date (or the opt-out) is shown beside
   * the key. @default undefined: enforcement off, no dates
   */
  readonly deactivationSchedules?: ReadonlyMap<string, DeactivationSchedule>;
  /**
   * Users whose `key-age:*` tags have a problem, shown in their own part of the first message. With
   * `announcements` they alone make a digest worth posting; stateless, they ride along with one.
   * @default []: no tag-problems part
   */
  readonly tagProblems?: readonly UserTagProblems[];
}

/** Layout budgets of {@link renderDigest}. */
export interface RenderDigestOptions {
  /** Messages per run; keys beyond them are summarized ("… and 312 more"). @default 3 */
  readonly maxMessages?: number;
  /**
   * Take as many messages as naming every entry needs, instead of summarizing the rest. A run
   * without alert state sets it: nothing remembers what an earlier run named, so a key left to the
   * "… and N more" note could otherwise stay unnamed forever. @default false
   */
  readonly nameEveryKey?: boolean;
  /** Listed keys per message: a digest is for reading, not for archiving. @default 100 */
  readonly maxKeysPerMessage?: number;
  /** Key lines per section block, so Slack does not fold long sections. @default 20 */
  readonly maxLinesPerSection?: number;
}

/** The rendered digest. */
export interface RenderedDigest {
  /** Payloads to post, in order; empty when nothing needs attention. */
  readonly messages: readonly SlackMessage[];
  /** Flagged keys (or announcements) that have their own line. */
  readonly listedKeys: number;
  /** Flagged keys (or announcements) only counted in the "… and N more" note; `listedKeys + unlistedKeys` is every entry. */
  readonly unlistedKeys: number;
  /**
   * Per message, in order, the announcements it names by their own line. Only these may be recorded
   * as announced once Slack accepts that message: one only counted in the "… and N more" note stays
   * due, and a later run names it. Empty lists without alert state.
   */
  readonly namedPerMessage: readonly (readonly Announcement[])[];
  /** Users whose tag problems the digest named (see render-tag-problems.ts). @default [] */
  readonly tagProblemsNamed?: readonly string[];
}

// A user name is at most 64 characters and tag notes quote at most 40 characters of a value, so real
// lines are far shorter; this only guards the budget (and never cuts a mention: those come first).
const MAX_LINE_CHARS = 1000;

/**
 * Renders one Block Kit digest for a run: a header with environment and account, counts by status,
 * one line per flagged key (most severe first) and a plain-text fallback, within Slack's limits.
 * With `announcements` (alert state) it lists those instead: new and worse keys, reminders and
 * resolutions. Lines mention the key's owners and point out malformed `key-age:*` tags.
 * When more entries exist than {@link RenderDigestOptions} allow, the rest are summarized in the
 * last message with their counts: nothing is dropped silently. It renders nothing when there is
 * nothing to list (stateless: no flagged key and no missing watched user; stateful: no announcement).
 */
export function renderDigest(input: DigestInput, options: RenderDigestOptions = {}): RenderedDigest {
  const maxKeysPerMessage = Math.max(1, options.maxKeysPerMessage ?? 100);
  const maxLinesPerSection = Math.max(1, options.maxLinesPerSection ?? 20);
  const entries = digestEntries(input);
  const maxMessages = Math.max(
    1,
    options.maxMessages ?? 3,
    options.nameEveryKey ? Math.ceil(entries.length / maxKeysPerMessage) : 0,
  );
  const missing = input.missingWatchedUsers ?? [];
  const tagProblems = renderTagProblems(input.tagProblems ?? []);
  // A key an exposure event named is named even when the scan did not find it (see render-exposure.ts).
  const notFound = input.classification.exposedKeysNotFound ?? [];
  const empty = input.announcements
    ? entries.length === 0 && tagProblems === undefined && notFound.length === 0
    : entries.length === 0 && missing.length === 0 && notFound.length === 0;
  if (empty) return { messages: [], listedKeys: 0, unlistedKeys: 0, namedPerMessage: [] };

  // The header is added once the number of messages is known; one block stays free for the overflow note.
  const blockBudget = SLACK_LIMITS.maxBlocks - 2;
  const bodies: SlackBlock[][] = [];
  const named: Announcement[][] = [];
  const mentions: Set<string>[] = [];
  let next = 0;
  for (let m = 0; m < maxMessages && (m === 0 || next < entries.length); m += 1) {
    const blocks: SlackBlock[] = m === 0 ? [...introBlocks(input), ...(tagProblems ? [tagProblems.block] : [])] : [];
    const mentioned = new Set<string>();
    const namedHere: Announcement[] = [];
    let keysInMessage = 0;
    let lines: string[] = [];
    const flush = (): void => {
      if (lines.length > 0) blocks.push(sectionBlock(lines.join("\n")));
      lines = [];
    };
    while (next < entries.length && keysInMessage < maxKeysPerMessage) {
      const line = truncateText(entries[next].line, MAX_LINE_CHARS);
      const sectionFull =
        lines.length >= maxLinesPerSection || [...lines, line].join("\n").length > SLACK_LIMITS.maxSectionTextChars;
      if (sectionFull) flush();
      if (lines.length === 0 && blocks.length >= blockBudget) break;
      lines.push(line);
      for (const mention of entries[next].mentions) mentioned.add(mention);
      const announcement = entries[next].announcement;
      if (announcement) namedHere.push(announcement);
      next += 1;
      keysInMessage += 1;
    }
    flush();
    bodies.push(blocks);
    named.push(namedHere);
    mentions.push(mentioned);
  }

  const unlisted = entries.slice(next);
  if (unlisted.length > 0) bodies[bodies.length - 1].push(overflowBlock(unlisted, input));

  const messages = bodies.map((body, index) => ({
    text: fallbackText(input, index, bodies.length, mentions[index]),
    blocks: [headerBlock(input, index, bodies.length), ...body],
  }));
  return {
    messages,
    listedKeys: next,
    unlistedKeys: unlisted.length,
    namedPerMessage: named,
    ...(tagProblems ? { tagProblemsNamed: tagProblems.named } : {}),
  };
}

/** One listed line of the digest, with what it counts as in the overflow note, whom it mentions and what it announces. */
interface DigestEntry {
  readonly line: string;
  readonly group: string;
  readonly mentions: readonly string[];
  readonly announcement?: Announcement;
}

function digestEntries(input: DigestInput): DigestEntry[] {
  if (!input.announcements) {
    return input.classification.flagged.map((finding) => ({
      line: renderLine(finding, input) + lineNotes(finding, input),
      group: finding.status,
      mentions: finding.owners ?? [],
    }));
  }
  return input.announcements.map((announcement) => ({
    line: renderAnnouncement(announcement, input),
    group: GROUP_LABEL[announcement.kind],
    mentions: announcement.kind === "resolved" ? [] : (announcement.finding.owners ?? []),
    announcement,
  }));
}

const GROUP_LABEL: Readonly<Record<AnnouncementKind, string>> = {
  new: "new",
  worse: "worse",
  reminder: "reminders",
  resolved: "resolved",
};

function introBlocks(input: DigestInput): SlackBlock[] {
  const { counts, usersScanned } = input.classification;
  const skipped = input.skippedUsers?.length ?? 0;
  const scanned =
    `${usersScanned} ${usersScanned === 1 ? "user" : "users"} scanned` +
    (skipped > 0 ? `, ${skipped} skipped because they were deleted during the scan` : "");
  const reported = input.classification.fromReport ? `\n${reportedText(input.classification.fromReport)}` : "";
  const blocks: SlackBlock[] = [sectionBlock(`${countsText(counts)}\n${scanned}${reported}`)];
  const notFound = input.classification.exposedKeysNotFound ?? [];
  if (notFound.length > 0) blocks.push(exposedKeysNotFoundBlock(notFound));
  const missing = input.missingWatchedUsers ?? [];
  if (missing.length > 0) blocks.push(missingUsersBlock(missing));
  const labels = input.thresholdLabels;
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text:
          `Warning at ${inertText(labels.warningAgeMs)}, critical at ${inertText(labels.criticalAgeMs)}, ` +
          `unused after ${inertText(labels.unusedAgeMs)} · scanned ${input.now.toISOString()}`,
      },
    ],
  });
  const guidance = remediationText(input);
  if (guidance) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: guidance }] });
  blocks.push({ type: "divider" });
  return blocks;
}

/** One compact line of guidance per status the digest lists, with AWS's rotation guide. */
function remediationText(input: DigestInput): string | undefined {
  const statuses = new Set<KeyStatus>(
    input.announcements
      ? input.announcements.flatMap((a) => (a.kind === "resolved" ? [] : [a.finding.status]))
      : input.classification.flagged.map((finding) => finding.status),
  );
  const lines = (Object.keys(STATUS_LABEL) as KeyStatus[])
    .filter((status) => statuses.has(status) && REMEDIATION[status] !== undefined)
    .map((status) => `*${STATUS_LABEL[status]}:* ${REMEDIATION[status]}`);
  if (lines.length === 0) return undefined;
  const exposed = statuses.has("exposed") ? ` <${EXPOSED_KEY_DOCS_URL}|What to do about an exposed key (AWS)>` : "";
  return `${lines.join(" ")} <${ROTATE_ACCESS_KEYS_DOCS_URL}|How to rotate access keys (AWS)>${exposed}`;
}

function countsText(counts: StatusCounts): string {
  // Exempt and exposed keys are rare: the line stays as it was until there is one.
  return (Object.keys(STATUS_LABEL) as KeyStatus[])
    .filter((status) => (status !== "exempt" && status !== "exposed") || counts[status] > 0)
    .map((status) => `*${STATUS_LABEL[status]}:* ${counts[status]}`)
    .join("   ");
}

/**
 * The note on what did not fit: how many, by group, and how to see every key now. With alert state
 * the entries it only counts stay due, so the next runs name them; without, it can only point to the CLI.
 */
function overflowBlock(unlisted: readonly DigestEntry[], input: DigestInput): SectionBlock {
  const byGroup = new Map<string, number>();
  for (const entry of unlisted) byGroup.set(entry.group, (byGroup.get(entry.group) ?? 0) + 1);
  const breakdown = [...byGroup].map(([group, count]) => countText(count, group)).join(", ");
  const stateful = input.announcements !== undefined;
  const noun = `${stateful ? "" : "flagged "}${unlisted.length === 1 ? "key" : "keys"}`;
  const later = stateful ? " They stay due: the next runs name them, most severe first." : "";
  return sectionBlock(
    `… and ${unlisted.length} more ${noun} not listed (${breakdown}).${later} ` +
      `Every key now: ${codeText(everyKeyCommand(input))} with credentials for account ${codeText(input.accountId)}.`,
  );
}

/**
 * The `key-age scan` command that lists every key the digest could not name: the environment's label
 * and any threshold that differs from the default, so the CLI classifies as the function does.
 */
export function everyKeyCommand(input: Pick<DigestInput, "environmentName" | "thresholdLabels">): string {
  const flags: string[] = [];
  if (input.environmentName) flags.push(`--environment ${shellWord(input.environmentName)}`);
  const labels = input.thresholdLabels;
  for (const [flag, label, fallback] of [
    ["--warning-age", labels.warningAgeMs, CONFIG_DEFAULTS.WARNING_AGE],
    ["--critical-age", labels.criticalAgeMs, CONFIG_DEFAULTS.CRITICAL_AGE],
    ["--unused-age", labels.unusedAgeMs, CONFIG_DEFAULTS.UNUSED_AGE],
  ] as const) {
    if (label !== fallback) flags.push(`${flag} ${shellWord(label)}`);
  }
  return ["npx key-age scan", ...flags].join(" ");
}

/** A word a POSIX shell reads back as `text`: as is when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w.,:=+%/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function countText(count: number, group: string): string {
  return `${count} ${count === 1 && group === "reminders" ? "reminder" : group}`;
}

/** True when the digest only announces resolutions: its header must not say "need attention". */
function onlyResolutions(input: DigestInput): boolean {
  // A digest of tag problems alone asks for attention too.
  return (
    input.announcements !== undefined &&
    input.announcements.length > 0 &&
    input.announcements.every((a) => a.kind === "resolved")
  );
}

/** True when the digest names an exposed key (or an exposure event's key it did not find): its header says so. */
function exposesKeys(input: DigestInput): boolean {
  if ((input.classification.exposedKeysNotFound ?? []).length > 0) return true;
  return input.announcements
    ? input.announcements.some((a) => a.kind !== "resolved" && a.finding.status === "exposed")
    : input.classification.flagged.some((finding) => finding.status === "exposed");
}

function headerBlock(input: DigestInput, index: number, total: number): SlackBlock {
  const part = total > 1 ? ` (${index + 1}/${total})` : "";
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const prefix = onlyResolutions(input)
    ? "IAM access key alerts resolved · "
    : exposesKeys(input)
      ? "Exposed IAM access key · "
      : "IAM access keys need attention · ";
  const room = SLACK_LIMITS.maxHeaderTextChars - prefix.length - part.length;
  return {
    type: "header",
    text: { type: "plain_text", text: `${prefix}${truncateText(inertText(where), room)}${part}`, emoji: true },
  };
}

function fallbackText(input: DigestInput, index: number, total: number, mentions: ReadonlySet<string>): string {
  const { counts } = input.classification;
  const where = input.environmentName ? `${input.environmentName} (${input.accountId})` : input.accountId;
  const missing = input.missingWatchedUsers?.length ?? 0;
  const parts = [
    ...(counts.exposed > 0 ? [`${counts.exposed} exposed`] : []),
    `${counts.critical} critical`,
    `${counts.warning} warning`,
    `${counts.unused} unused`,
  ];
  let title = exposesKeys(input) ? "Exposed IAM access key" : "IAM access keys need attention";
  if (input.announcements) {
    const kinds = new Map<string, number>();
    for (const a of input.announcements) kinds.set(GROUP_LABEL[a.kind], (kinds.get(GROUP_LABEL[a.kind]) ?? 0) + 1);
    parts.unshift(...[...kinds].map(([group, count]) => countText(count, group)));
    if (onlyResolutions(input)) title = "IAM access key alerts resolved";
  }
  if (missing > 0) parts.push(`${missing} watched ${missing === 1 ? "user" : "users"} not found`);
  const part = total > 1 ? ` (message ${index + 1} of ${total})` : "";
  // Mentions are Slack markup (validated IDs), so they are added to the defused text; the notification shows them.
  const who = mentions.size > 0 ? ` ${[...mentions].join(" ")}` : "";
  const text = `${title} in ${inertText(where)}: ${parts.join(", ")}${part}`;
  if (text.length + who.length <= SLACK_LIMITS.maxSectionTextChars) return text + who;
  return truncateText(text, SLACK_LIMITS.maxSectionTextChars);
}
