import type { Announcement, ResolutionReason } from "../alerts/alert-transitions";
import type { DeactivationSchedule } from "../enforcement/deactivation-schedule";
import { formatDeactivationDate } from "../enforcement/render-enforcement";
import type { MessageStyle } from "../runtime/config/config";
import { formatDuration } from "../runtime/duration";
import { maskAccessKeyId } from "../runtime/mask";
import type { KeyFinding, KeyStatus } from "../scan/classify";
import { ROOT_USER_NAME } from "../scan/inventory";
import { renderRootKeyLine, renderRootKeyResolved } from "./render-root-key";
import { exposureText } from "./render-exposure";
import { codeText, inertText } from "./slack-message";

/** What a key's line needs besides the key: the style, the clock and the deactivation dates. */
export interface KeyLineInput {
  /** The wording. @default "digest" */
  readonly style?: MessageStyle;
  /** The evaluation time. */
  readonly now: Date;
  /** Deactivation dates by key id. @default undefined: none shown */
  readonly deactivationSchedules?: ReadonlyMap<string, DeactivationSchedule>;
}

/** Each status's display name, in the digest and the CLI's table. */
export const STATUS_LABEL: Readonly<Record<KeyStatus, string>> = {
  exposed: "Exposed",
  critical: "Critical",
  warning: "Warning",
  unused: "Unused",
  exempt: "Exempt",
  ok: "OK",
  inactive: "Inactive",
};

const STATUS_EMOJI: Readonly<Record<KeyStatus, string>> = {
  exposed: ":rotating_light:",
  critical: ":red_circle:",
  warning: ":large_orange_circle:",
  unused: ":zzz:",
  exempt: ":mute:",
  ok: ":white_check_mark:",
  inactive: ":black_circle:",
};

const RESOLUTION_TEXT: Readonly<Record<ResolutionReason, string>> = {
  deleted: "key deleted or rotated",
  deactivated: "key deactivated",
  exempted: "exempted",
  ok: "within its limits now",
  unwatched: "user no longer watched",
  cleared: "no longer needs attention",
};

/** An announcement without its state change: what a line (in the channel or a direct message) shows. */
export type AnnouncementContent = Announcement extends infer A
  ? A extends Announcement
    ? Omit<A, "change">
    : never
  : never;

/** Renders the line of one announcement (new, worse, reminder or resolved) in the given style. */
export function renderAnnouncement(announcement: AnnouncementContent, input: KeyLineInput): string {
  const original = (input.style ?? "digest") === "original";
  if (announcement.kind === "resolved") {
    const { previous, finding, reason } = announcement;
    if (previous.userName === ROOT_USER_NAME) return renderRootKeyResolved(input.style);
    const key = maskAccessKeyId(previous.accessKeyId);
    const why =
      reason === "exempted" && finding?.exemptUntil
        ? `exempt until ${inertText(finding.exemptUntil)}`
        : RESOLUTION_TEXT[reason];
    if (original) return `${inertText(previous.userName)}'s key ${inertText(key)} is no longer a problem: ${why}.`;
    return [
      `:white_check_mark: *Resolved*`,
      codeText(previous.userName),
      codeText(key),
      `was ${previous.status}`,
      why,
    ].join(" · ");
  }
  const { finding, previous } = announcement;
  const since = previous ? formatDuration(input.now.getTime() - previous.since.getTime()) : "";
  if (original) {
    const suffix = announcement.kind === "reminder" ? ` (reminder: open for ${since})` : "";
    return renderLine(finding, input) + suffix + lineNotes(finding, input);
  }
  const what =
    announcement.kind === "new"
      ? "*new*"
      : announcement.kind === "worse"
        ? `*worse*, was ${previous?.status ?? "?"}`
        : `reminder: open for ${since}`;
  return `${renderLine(finding, input)} · ${what}${lineNotes(finding, input)}`;
}

/** Owner mentions, per-user limits and tag problems of a listed key; mentions first so a cut never splits one. */
export function lineNotes(finding: KeyFinding, input: KeyLineInput): string {
  const notes: string[] = [];
  if (finding.owners && finding.owners.length > 0) notes.push(finding.owners.join(" "));
  const schedule = input.deactivationSchedules?.get(finding.accessKeyId);
  if (schedule) notes.push(inertText(deactivationNote(schedule)));
  // Addresses are shown, not mentioned: the Slack app tells those owners in a direct message.
  if (finding.ownerEmails && finding.ownerEmails.length > 0)
    notes.push(`owner ${inertText(finding.ownerEmails.join(" "))}`);
  if (finding.customLimits) {
    const { warningAge, criticalAge } = finding.customLimits;
    const limits = [
      warningAge ? `warning at ${inertText(warningAge)}` : "",
      criticalAge ? `critical at ${inertText(criticalAge)}` : "",
    ];
    notes.push(`user limits: ${limits.filter((text) => text !== "").join(", ")}`);
  }
  for (const problem of finding.tagProblems ?? []) notes.push(`:warning: ${inertText(problem)}`);
  if (schedule?.kind === "date" && schedule.problem) notes.push(`:warning: ${inertText(schedule.problem)}`);
  return notes.map((note) => ` · ${note}`).join("");
}

/** The deactivation date of a key as shown beside it (a forecast until a notice named it), or its opt-out. */
export function deactivationNote(schedule: DeactivationSchedule): string {
  if (schedule.kind === "never") return `never deactivated (${schedule.reason})`;
  return `deactivation ${formatDeactivationDate(schedule.date)}${schedule.noticed ? "" : " (forecast)"}`;
}

/** Renders the line for one flagged key in the given style. */
export function renderLine(finding: KeyFinding, input: KeyLineInput): string {
  if (finding.root) return renderRootKeyLine(finding, input);
  const key = maskAccessKeyId(finding.accessKeyId);
  if ((input.style ?? "digest") === "original") {
    // The original's sentences, word for word; the names in them are defused rather than set as code.
    const [user, id] = [inertText(finding.userName), inertText(key)];
    switch (finding.status) {
      case "exposed":
        return `${user}'s key ${id} is exposed: AWS found it in public (${exposureText(finding.exposure)}). Rotate it now!`;
      case "critical":
        return `${user}'s key ${id} is out of control. We must rotate the key!`;
      case "warning":
        return `${user}'s key ${id} is near to be out of control.`;
      default:
        return finding.lastUsedDate
          ? `${user}'s key ${id} has not been used for ${formatDuration(input.now.getTime() - finding.lastUsedDate.getTime())}.`
          : `${user}'s key ${id} has never been used since it was created ${formatDuration(finding.ageMs ?? 0)} ago.`;
    }
  }
  return [
    `${STATUS_EMOJI[finding.status]} *${STATUS_LABEL[finding.status]}*`,
    codeText(finding.userName),
    codeText(key),
    // Why AWS says it leaked comes first: its age is beside the point.
    ...(finding.status === "exposed" ? [exposureText(finding.exposure)] : []),
    `age ${formatDuration(finding.ageMs ?? 0)}`,
    lastUsedText(finding, input.now),
  ].join(" · ");
}

function lastUsedText(finding: KeyFinding, now: Date): string {
  if (!finding.lastUsedDate) return "never used";
  const service = finding.lastUsedService ? ` (${inertText(finding.lastUsedService)})` : "";
  return `last used ${formatDuration(now.getTime() - finding.lastUsedDate.getTime())} ago${service}`;
}
