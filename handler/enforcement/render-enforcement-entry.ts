import { formatDuration } from "../runtime/duration";
import { maskAccessKeyId } from "../runtime/mask";
import { codeText, inertText } from "../slack/slack-message";
import { usageNoteOf } from "../slack/render-usage";
import type { KeyFinding } from "../scan/classify";
import { MAX_REACTIVATIONS } from "./deactivation-schedule";
import type { DueKey, EnforcementEvent } from "./enforcement-events";

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
 * One entry's mrkdwn (pure): a line per key, two for a deactivation (with its restore command); with
 * `usageLines` (`KEY_USAGE=on`), a key that is or will be deactivated also shows what uses it.
 */
export function renderEntry(
  event: EnforcementEvent,
  dry: boolean,
  now: Date,
  usageLines?: ReadonlyMap<string, string>,
): string {
  const text = entryText(event, dry, now);
  if (event.kind === "held") return text + usageNoteOf(usageLines, event.key.finding.accessKeyId);
  const shows = ["notice", "day-before", "would-deactivate", "deactivated"].includes(event.kind);
  return shows && "finding" in event ? text + usageNoteOf(usageLines, event.finding.accessKeyId) : text;
}

function entryText(event: EnforcementEvent, dry: boolean, now: Date): string {
  if (event.kind === "brake") return brakeText(event, dry);
  if (event.kind === "held") return `• ${heldLine(event.key, now)}`;
  const { finding } = event;
  const who = whoText(finding);
  const age = `age ${formatDuration(finding.ageMs ?? 0)}`;
  const mentions = finding.owners && finding.owners.length > 0 ? ` · ${finding.owners.join(" ")}` : "";
  switch (event.kind) {
    case "deactivated":
      return (
        `:no_entry: *Deactivated* · ${who} · ${age} · ${inertText(event.setting)}${mentions}\n` +
        `To restore it: ${codeText(restoreCommand(finding.userName, finding.accessKeyId))}` +
        (event.recordFailed
          ? `\n:warning: the monitor could not record this deactivation (${inertText(event.recordFailed)}); ` +
            "it started no further deactivation in this run"
          : "")
      );
    case "would-deactivate":
      return `:test_tube: *Would deactivate now* (dry run) · ${who} · ${age} · ${inertText(event.setting)}${mentions}`;
    case "left-alone":
      return `:leftwards_arrow_with_hook: *Left alone* · ${who} · ${inertText(event.reason)}`;
    case "reactivated":
      return reactivatedText(event, who, mentions, now);
    case "day-before":
      return (
        `:hourglass_flowing_sand: *${dry ? "Would be deactivated" : "Deactivation"} tomorrow*, ` +
        `${formatDeactivationDate(event.date)} · ${who} · ${age} · ${inertText(event.setting)}${mentions}`
      );
    case "notice":
      return (
        `:calendar: *${dry ? "Would be deactivated" : "To be deactivated"} on ${formatDeactivationDate(event.date)}* · ` +
        `${who} · ${age} · ${inertText(event.setting)}${mentions}` +
        (event.lapse ? ` · a new notice: ${inertText(event.lapse)}` : "")
      );
  }
}

function reactivatedText(
  event: Extract<EnforcementEvent, { kind: "reactivated" }>,
  who: string,
  mentions: string,
  now: Date,
): string {
  const off = formatDeactivationDate(event.offAt);
  const before =
    event.by === "monitor"
      ? `deactivated by the monitor ${off}`
      : event.by === "person"
        ? `switched off by hand (seen ${off})`
        : `the monitor meant to deactivate it at ${off} but cannot confirm it did`;
  const after = event.date
    ? `new date ${formatDeactivationDate(event.date)}: not deactivated again before it (a fresh notice period)`
    : event.change.reactivations >= MAX_REACTIVATIONS
      ? "the monitor will not deactivate it again (left to people)"
      : "no deactivation date: enforcement does not apply to it now";
  // Without a confirmed deactivation nobody can say a person undid it: the key is simply active.
  const title = event.by === "unconfirmed" ? "Active after an unconfirmed deactivation" : "Reactivated by a person";
  return (
    `:arrows_counterclockwise: *${title}* · ${who} · ${before}, active again at ` +
    `${formatDeactivationDate(now)} · ${after}${mentions}`
  );
}

function brakeText(event: Extract<EnforcementEvent, { kind: "brake" }>, dry: boolean): string {
  const none = dry ? "none would be deactivated" : "none was deactivated";
  const until = event.allowsAt
    ? `They are held until the 24-hour window allows them, at ${formatDeactivationDate(event.allowsAt)} at the earliest.`
    : `More keys are due than the limit allows in 24 hours: they are held until a person acts.`;
  return (
    `:octagonal_sign: *Enforcement brake engaged: ${event.held} keys due*, ${event.inWindow} deactivated in the last ` +
    `24 hours, at most MAX_DEACTIVATIONS_PER_DAY=${event.limit} in any 24 hours, so ${none}. ${until} ` +
    "Check the clock, the settings and the tags; to let them through raise `maxDeactivationsPerDay`, " +
    "or deactivate or rotate keys by hand. Held keys:"
  );
}

function heldLine(key: DueKey, now: Date): string {
  const { finding } = key;
  return (
    `${whoText(finding)} · age ${formatDuration(now.getTime() - (finding.createDate ?? now).getTime())} · ` +
    `due ${formatDeactivationDate(key.date)} · ${inertText(key.setting)}`
  );
}

function whoText(finding: KeyFinding): string {
  return `${codeText(finding.userName)} · \`${maskAccessKeyId(finding.accessKeyId)}\``;
}

function shellQuote(text: string): string {
  return /^[\w+=,.@-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
