import { ownerExposureNote } from "../render-exposure";
import type { MessageStyle } from "../../runtime/config/config";
import type { KeyFinding } from "../../scan/classify";
import { renderAnnouncement, renderLine, type DigestInput } from "../render-digest";
import {
  SLACK_LIMITS,
  inertText,
  sectionBlock,
  titledHeader,
  truncateText,
  type SlackBlock,
  type SlackMessage,
} from "../slack-message";
import type { OwnerDelivery, OwnerNotice } from "./plan-owner-deliveries";
import { usageNoteOf } from "../render-usage";

/** One direct message to one owner. */
export interface OwnerMessage {
  /** The owner's address; the message goes to the app's conversation with the member it names. */
  readonly email: string;
  /** The payload. */
  readonly message: SlackMessage;
  /** The keys it tells about. */
  readonly accessKeyIds: readonly string[];
}

/** What every direct message shows besides its keys. */
export interface OwnerMessageContext {
  /** The account id. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** Where the full digest goes, to point owners to it (`#key-age`). */
  readonly channel: string;
  /** Line wording, as in the channel. @default "digest" */
  readonly style?: MessageStyle;
  /** The scan time. */
  readonly now: Date;
  /** Listed keys per message; the rest are counted. @default 40 */
  readonly maxKeys?: number;
  /** Enforcement's dates, shown beside the keys as in the channel. @default undefined: enforcement off */
  readonly deactivationSchedules?: DigestInput["deactivationSchedules"];
  /**
   * `KEY_USAGE=on`: each key's usage line, shown under it so the owner knows what will break; a
   * resolved alert shows none. @default undefined: no lines
   */
  readonly usageLines?: ReadonlyMap<string, string>;
}

/**
 * Renders one direct message per owner, listing that owner's keys with the channel's wording (pure),
 * in the order the deliveries come (retries first, then the digest's order): who is looked up and
 * told first when the time runs short.
 */
export function renderOwnerMessages(
  deliveries: readonly OwnerDelivery[],
  context: OwnerMessageContext,
): OwnerMessage[] {
  const perOwner = new Map<string, OwnerDelivery[]>();
  for (const delivery of deliveries) {
    for (const email of delivery.emails) perOwner.set(email, [...(perOwner.get(email) ?? []), delivery]);
  }
  return [...perOwner].map(([email, owned]) => ({
    email,
    message: ownerMessage(owned, context),
    accessKeyIds: owned.map((delivery) => delivery.accessKeyId),
  }));
}

function ownerMessage(owned: readonly OwnerDelivery[], context: OwnerMessageContext): SlackMessage {
  const maxKeys = Math.max(1, context.maxKeys ?? 40);
  const where = context.environmentName ? `${context.environmentName} · ${context.accountId}` : context.accountId;
  const resolvedOnly = owned.every((delivery) => delivery.notice.kind === "resolved");
  // An exposed key is said plainly, first: AWS found it in public, and what to do now.
  const exposed = owned.some(
    (delivery) => delivery.notice.kind !== "resolved" && delivery.notice.finding.status === "exposed",
  );
  const title = resolvedOnly
    ? "Your IAM access key alerts are resolved · "
    : exposed
      ? "Your IAM access key has leaked · "
      : "Your IAM access keys need attention · ";
  const lines = owned
    .slice(0, maxKeys)
    .map((delivery) => truncateText(ownerLine(delivery.notice, context) + usageNote(delivery, context), 1000));
  const rest = owned.length - lines.length;
  const sections: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if ([...current, line].join("\n").length > SLACK_LIMITS.maxSectionTextChars || current.length >= 20) {
      sections.push(current.join("\n"));
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) sections.push(current.join("\n"));
  const channel = inertText(context.channel);
  const blocks: SlackBlock[] = [
    titledHeader(title, where),
    ...(exposed ? [sectionBlock(ownerExposureNote())] : []),
    sectionBlock(`You are the owner (\`key-age:owner\`) of ${owned.length === 1 ? "this key" : "these keys"}:`),
    ...sections.map(sectionBlock),
    ...(rest > 0 ? [sectionBlock(`… and ${rest} more of your keys, listed in ${channel}.`)] : []),
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `The team's digest is in ${channel} · scanned ${context.now.toISOString()}` }],
    },
  ];
  const count = `${owned.length} of your IAM access ${owned.length === 1 ? "key" : "keys"}`;
  const text = resolvedOnly
    ? `${count}: alert resolved in ${where}`
    : exposed
      ? `AWS reports your IAM access key in ${where} has leaked: rotate it now`
      : `${count} in ${where}: ${owned
          .map((delivery) => delivery.notice.kind)
          .filter(unique)
          .join(", ")}`;
  return { text: truncateText(inertText(text), SLACK_LIMITS.maxSectionTextChars), blocks };
}

function ownerLine(notice: OwnerNotice, context: OwnerMessageContext): string {
  const input = {
    now: context.now,
    ...(context.style ? { style: context.style } : {}),
    ...(context.deactivationSchedules ? { deactivationSchedules: context.deactivationSchedules } : {}),
  };
  if (notice.kind === "flagged") return renderLine(notice.finding, input);
  // The reader is the owner: their own address on every line says nothing.
  const own = notice.finding ? ({ ...notice, finding: withoutOwnerEmails(notice.finding) } as typeof notice) : notice;
  return renderAnnouncement(own, input);
}

function usageNote(delivery: OwnerDelivery, context: OwnerMessageContext): string {
  return delivery.notice.kind === "resolved" ? "" : usageNoteOf(context.usageLines, delivery.accessKeyId);
}

function withoutOwnerEmails<T extends KeyFinding>(finding: T): T {
  const { ownerEmails: _ownerEmails, ...rest } = finding;
  return rest as T;
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}
