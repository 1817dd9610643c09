import type { EnforcementMode } from "./enforcement-mode";
import type { EnforcementEvent } from "./enforcement-events";
import { renderEntry } from "./render-enforcement-entry";
import {
  SLACK_LIMITS,
  titledHeader,
  inertText,
  truncateText,
  type SlackBlock,
  type SlackMessage,
  sectionBlock,
} from "../slack/slack-message";

export { formatDeactivationDate, restoreCommand } from "./render-enforcement-entry";

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
  /** `KEY_USAGE=on`: each key's usage line, shown under its entry. @default undefined: no lines */
  readonly usageLines?: ReadonlyMap<string, string>;
}

/** One message and the events it names (only those may be recorded once Slack accepted it). */
export interface EnforcementMessage {
  /** The payload. */
  readonly message: SlackMessage;
  /** The events it names in full. */
  readonly named: readonly EnforcementEvent[];
}

const ORDER: Readonly<Record<EnforcementEvent["kind"], number>> = {
  brake: 0,
  held: 1,
  deactivated: 2,
  "would-deactivate": 3,
  "left-alone": 4,
  reactivated: 5,
  "day-before": 6,
  notice: 7,
};
// A header and a footer around the sections: Slack takes 50 blocks.
const MAX_SECTIONS = SLACK_LIMITS.maxBlocks - 2;

/**
 * Renders the run's enforcement messages (pure): the brake and every key it holds, deactivations
 * with the command that undoes them, what a dry run would deactivate, keys left alone,
 * reactivations, the reminders one day before and the notices naming each key's date. Every event
 * is named: entries of one kind share a section up to Slack's 3,000 characters, and the sections
 * fill as many messages (of at most 50 blocks) as they need, each with its own header and fallback.
 */
export function renderEnforcement(input: EnforcementMessageInput): EnforcementMessage[] {
  if (input.events.length === 0) return [];
  const dry = input.mode === "dry-run";
  const events = [...input.events].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const sections: { text: string; kind: EnforcementEvent["kind"]; events: EnforcementEvent[] }[] = [];
  for (const event of events) {
    const text = truncateText(renderEntry(event, dry, input.now, input.usageLines), SLACK_LIMITS.maxSectionTextChars);
    const last = sections.at(-1);
    const fits =
      last && last.kind === event.kind && last.text.length + 1 + text.length <= SLACK_LIMITS.maxSectionTextChars;
    if (last && fits && event.kind !== "brake") {
      last.text = `${last.text}\n${text}`;
      last.events.push(event);
    } else {
      sections.push({ text, kind: event.kind, events: [event] });
    }
  }
  const parts: (typeof sections)[] = [];
  for (let start = 0; start < sections.length; start += MAX_SECTIONS) {
    parts.push(sections.slice(start, start + MAX_SECTIONS));
  }
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const brake = events.find((event) => event.kind === "brake");
  const summary =
    brake?.kind === "brake"
      ? `enforcement brake engaged: ${brake.held} keys due`
      : `${events.length} enforcement ${events.length === 1 ? "entry" : "entries"}`;
  return parts.map((part, index) => {
    const numbered = parts.length > 1 ? ` (${index + 1}/${parts.length})` : "";
    const blocks: SlackBlock[] = [
      titledHeader(`IAM key enforcement${dry ? " (dry run)" : ""}${numbered} · `, where),
      ...part.map((section) => sectionBlock(section.text)),
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text:
              `${dry ? "Dry run: no key was changed. " : ""}Keys are deactivated per key (never per user, never deleted) ` +
              `after a notice naming the date · ${input.now.toISOString()}`,
          },
        ],
      },
    ];
    return {
      message: {
        text: truncateText(
          inertText(`IAM key enforcement in ${where}${numbered}: ${summary}`),
          SLACK_LIMITS.maxSectionTextChars,
        ),
        blocks,
      },
      named: part.flatMap((section) => section.events),
    };
  });
}
