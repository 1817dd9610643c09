import type { EnforcementMode } from "./enforcement-mode";
import { formatDuration } from "../runtime/duration";
import { maskAccessKeyId } from "../runtime/mask";
import { MAX_BRAKE_KEYS_LISTED, type DueKey, type EnforcementEvent } from "./plan-enforcement";
import {
  SLACK_LIMITS,
  codeText,
  titledHeader,
  inertText,
  truncateText,
  type SlackBlock,
  type SlackMessage,
  sectionBlock,
} from "../slack/slack-message";

/** Inputs of {@link renderEnforcement}. */
export interface EnforcementMessageInput {
  /** The events of the run, in any order. */
  readonly events: readonly EnforcementEvent[];
  /** `dry-run` words everything as "would". */
  readonly mode: Exclude<EnforcementMode, "off">;
  /** The AWS account id. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** The run's time. */
  readonly now: Date;
}

/** The rendered message and the events it names (only those may be recorded as announced). */
export interface RenderedEnforcement {
  /** The message, or undefined when there is nothing to say. */
  readonly message?: SlackMessage;
  /** The events the message names in full; the rest are counted and named by a later run. */
  readonly named: readonly EnforcementEvent[];
}

const ORDER: Readonly<Record<EnforcementEvent["kind"], number>> = {
  brake: 0,
  deactivated: 1,
  "would-deactivate": 2,
  "left-alone": 3,
  reactivated: 4,
  "day-before": 5,
  notice: 6,
};
// Below Slack's 50 blocks: a header, the entries, one overflow note and the footer.
const MAX_ENTRIES = 40;

/** A UTC timestamp to the minute, the precision a deactivation date is named with. */
export function formatDeactivationDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The AWS CLI command that reactivates a key. It selects the key by its last four characters, so the
 * message carries no full key id (ids are always shown masked).
 */
export function restoreCommand(userName: string, accessKeyId: string): string {
  const user = shellQuote(userName);
  const tail = accessKeyId.slice(-4);
  return (
    `aws iam update-access-key --user-name ${user} --status Active --access-key-id ` +
    `"$(aws iam list-access-keys --user-name ${user} --query "AccessKeyMetadata[?ends_with(AccessKeyId,'${tail}')].AccessKeyId" --output text)"`
  );
}

/**
 * Renders the run's enforcement message (pure): the brake, deactivations with the command that
 * undoes them, what a dry run would deactivate, keys left alone by the re-check, reactivations, the
 * reminders one day before and the notices naming each key's date. One message within Slack's limits;
 * entries beyond {@link MAX_ENTRIES} are counted and left for the next run (not recorded as named).
 */
export function renderEnforcement(input: EnforcementMessageInput): RenderedEnforcement {
  if (input.events.length === 0) return { named: [] };
  const events = [...input.events].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const named = events.slice(0, MAX_ENTRIES);
  const rest = events.length - named.length;
  const dry = input.mode === "dry-run";
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const title = `IAM key enforcement${dry ? " (dry run)" : ""} · `;
  const blocks: SlackBlock[] = [
    titledHeader(title, where),
    ...named.map((event) => sectionBlock(renderEvent(event, input))),
  ];
  if (rest > 0)
    blocks.push(
      sectionBlock(`… and ${rest} more enforcement ${rest === 1 ? "entry" : "entries"}, named in the next run.`),
    );
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text:
          `${dry ? "Dry run: no key was changed. " : ""}Keys are deactivated per key (never per user, never deleted) ` +
          `after a notice naming the date · ${input.now.toISOString()}`,
      },
    ],
  });
  const brake = named.find((event) => event.kind === "brake");
  const summary = brake
    ? `enforcement brake engaged: ${brake.due.length} keys due`
    : `${named.length} enforcement ${named.length === 1 ? "entry" : "entries"}`;
  return {
    message: {
      text: truncateText(inertText(`IAM key enforcement in ${where}: ${summary}`), SLACK_LIMITS.maxSectionTextChars),
      blocks,
    },
    named,
  };
}

function renderEvent(event: EnforcementEvent, input: EnforcementMessageInput): string {
  const dry = input.mode === "dry-run";
  if (event.kind === "brake") {
    const listed = event.due.slice(0, MAX_BRAKE_KEYS_LISTED).map((key) => `• ${dueLine(key, input.now)}`);
    const more = event.due.length - listed.length;
    return truncateText(
      [
        `:octagonal_sign: *Enforcement brake engaged: ${event.due.length} keys due*, more than ` +
          `MAX_DEACTIVATIONS_PER_RUN=${event.maxPerRun}, so ${dry ? "none would be" : "none was"} deactivated. ` +
          "Check the clock, the settings and the tags; to lift the brake raise `maxDeactivationsPerRun`, " +
          "or deactivate or rotate keys by hand until no more than the limit are due.",
        ...listed,
        ...(more > 0 ? [`• … and ${more} more`] : []),
      ].join("\n"),
      SLACK_LIMITS.maxSectionTextChars,
    );
  }
  const { finding } = event;
  const who = `${codeText(finding.userName)} · ${codeText(maskAccessKeyId(finding.accessKeyId))}`;
  const age = `age ${formatDuration(finding.ageMs ?? 0)}`;
  const mentions = finding.owners && finding.owners.length > 0 ? ` · ${finding.owners.join(" ")}` : "";
  switch (event.kind) {
    case "deactivated":
      return (
        `:no_entry: *Deactivated* · ${who} · ${age} · ${inertText(event.setting)}${mentions}\n` +
        `To restore it: ${codeText(restoreCommand(finding.userName, finding.accessKeyId))}`
      );
    case "would-deactivate":
      return `:test_tube: *Would deactivate now* (dry run) · ${who} · ${age} · ${inertText(event.setting)}${mentions}`;
    case "left-alone":
      return `:leftwards_arrow_with_hook: *Left alone* · ${who} · ${inertText(event.reason)}`;
    case "reactivated":
      return (
        `:arrows_counterclockwise: *Reactivated by a person* · ${who} · deactivated by the monitor ` +
        `${formatDeactivationDate(event.deactivatedAt)}, active again at ${formatDeactivationDate(input.now)} · ` +
        (event.date
          ? `not deactivated again before ${formatDeactivationDate(event.date)}${mentions}`
          : `the monitor will not deactivate it again${mentions}`)
      );
    case "day-before":
      return (
        `:hourglass_flowing_sand: *${dry ? "Would be deactivated" : "Deactivation"} tomorrow*, ` +
        `${formatDeactivationDate(event.date)} · ${who} · ${age} · ${inertText(event.setting)}${mentions}`
      );
    case "notice":
      return (
        `:calendar: *${dry ? "Would be deactivated" : "To be deactivated"} on ${formatDeactivationDate(event.date)}* · ` +
        `${who} · ${age} · ${inertText(event.setting)}${mentions}`
      );
  }
}

function dueLine(key: DueKey, now: Date): string {
  const { finding } = key;
  return (
    `${codeText(finding.userName)} · ${codeText(maskAccessKeyId(finding.accessKeyId))} · ` +
    `age ${formatDuration(now.getTime() - (finding.createDate ?? now).getTime())} · due ${formatDeactivationDate(key.date)} · ` +
    inertText(key.setting)
  );
}

function shellQuote(text: string): string {
  return /^[\w+=,.@-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
