import {
  isAlertStatus,
  type AlertRecord,
  type AlertStatus,
  type Announcement,
  type AnnouncementKind,
  type StateChange,
} from "../alerts/alert-transitions";
import type { Classification, KeyFinding } from "../scan/classify";
import type { MessageStyle } from "../runtime/config";
import { renderAnnouncement, renderLine, type AnnouncementContent, type DigestInput } from "./render-digest";
import { ownerExposureNote } from "./render-exposure";
import {
  SLACK_LIMITS,
  inertText,
  titledHeader,
  truncateText,
  type SlackBlock,
  type SlackMessage,
  sectionBlock,
} from "./slack-message";

/**
 * What an owner hears about one key: an announcement of the alert state, or, without alert state,
 * simply a flagged key (every run, as the channel gets it).
 */
export type OwnerNotice = AnnouncementContent | { readonly kind: "flagged"; readonly finding: KeyFinding };

/** One key's direct message to some of its owners. */
export interface OwnerDelivery {
  /** The key. */
  readonly accessKeyId: string;
  /** What to tell. */
  readonly notice: OwnerNotice;
  /** The owners' addresses (lowercase). */
  readonly emails: readonly string[];
  /** True for a message that failed on an earlier run and is sent again on its own. */
  readonly retry: boolean;
}

/** What `users.lookupByEmail` said about an owner address. */
export type OwnerLookup =
  | { readonly email: string; readonly userId: string }
  | { readonly email: string; readonly userId?: undefined; readonly problem: string };

/**
 * Records whose resolution message failed are kept out of the alert planning: the channel has
 * announced the resolution already, and would announce it again. They are only retried as direct
 * messages (see {@link planOwnerDeliveries}).
 */
export function splitPendingResolutions(records: readonly AlertRecord[]): {
  readonly records: readonly AlertRecord[];
  readonly pendingResolutions: readonly AlertRecord[];
} {
  const pending = (record: AlertRecord) =>
    record.owners?.pendingKind === "resolved" && (record.owners.pending?.length ?? 0) > 0;
  return { records: records.filter((r) => !pending(r)), pendingResolutions: records.filter(pending) };
}

/** Inputs of {@link planOwnerDeliveries}. */
export interface OwnerDeliveryInput {
  /** This run's classification. */
  readonly classification: Classification;
  /** The alert plan's announcements. @default undefined: stateless, every flagged key is told */
  readonly announcements?: readonly Announcement[];
  /** The records the alert plan was made from, for owners whose message failed. @default [] */
  readonly records?: readonly AlertRecord[];
  /** Records whose resolution message failed (see {@link splitPendingResolutions}). @default [] */
  readonly pendingResolutions?: readonly AlertRecord[];
}

/**
 * Which owner is told about which key (pure). Each announcement goes to the key's owner addresses
 * (from `key-age:owner`, or remembered on the record once the key or its tags are gone). An owner
 * whose message failed before, for a key this run does not announce, gets that message again, alone:
 * the channel already has it.
 */
export function planOwnerDeliveries(input: OwnerDeliveryInput): OwnerDelivery[] {
  const deliveries: OwnerDelivery[] = [];
  const add = (accessKeyId: string, notice: OwnerNotice, emails: readonly string[] | undefined, retry: boolean) => {
    if (emails && emails.length > 0) deliveries.push({ accessKeyId, notice, emails, retry });
  };
  if (!input.announcements) {
    for (const finding of input.classification.flagged) {
      add(finding.accessKeyId, { kind: "flagged", finding }, finding.ownerEmails, false);
    }
    return deliveries;
  }
  const announced = new Set<string>();
  for (const announcement of input.announcements) {
    const { change: _change, ...notice } = announcement;
    const accessKeyId = announcement.finding?.accessKeyId ?? announcement.previous?.accessKeyId ?? "";
    announced.add(accessKeyId);
    add(
      accessKeyId,
      notice as OwnerNotice,
      announcement.finding?.ownerEmails ?? announcement.previous?.owners?.emails,
      false,
    );
  }
  const findings = new Map(input.classification.findings.map((finding) => [finding.accessKeyId, finding]));
  for (const record of input.records ?? []) {
    const pending = record.owners?.pending;
    const kind = record.owners?.pendingKind;
    const finding = findings.get(record.accessKeyId);
    if (!pending || !kind || kind === "resolved" || announced.has(record.accessKeyId)) continue;
    if (!finding || !isAlertStatus(finding.status)) continue; // announced as resolved this run instead
    const bad = finding as KeyFinding & { status: AlertStatus };
    add(record.accessKeyId, { kind, finding: bad, previous: record }, pending, true);
  }
  for (const record of input.pendingResolutions ?? []) {
    const finding = findings.get(record.accessKeyId);
    // Bad again: the alert planning announces it afresh, and its owners hear about that instead.
    if (finding && isAlertStatus(finding.status)) continue;
    add(record.accessKeyId, { kind: "resolved", previous: record, reason: "cleared" }, record.owners?.pending, true);
  }
  return deliveries;
}

/** Every owner address the deliveries need looked up, once. */
export function ownerEmails(deliveries: readonly OwnerDelivery[]): string[] {
  return [...new Set(deliveries.flatMap((delivery) => delivery.emails))];
}

/**
 * Owners who cannot get a direct message, as the sentence the channel shows next to their key
 * (`owner alice@example.com not found in Slack`): the channel digest is their only alert.
 */
export function ownerProblems(lookups: ReadonlyMap<string, OwnerLookup>): Map<string, string> {
  const problems = new Map<string, string>();
  for (const lookup of lookups.values()) {
    if (lookup.userId !== undefined) continue;
    problems.set(
      lookup.email,
      lookup.problem === NOT_FOUND
        ? `owner ${lookup.email} not found in Slack, so only this channel is told`
        : `owner ${lookup.email} could not be messaged (${lookup.problem}), so only this channel is told`,
    );
  }
  return problems;
}

/** The problem {@link ownerProblems} words as "not found in Slack". */
export const NOT_FOUND = "no Slack user has that email address";

/** The findings with their owners' problems added to `tagProblems`, which the digest shows on the key's line. */
export function withOwnerProblems(
  classification: Classification,
  problems: ReadonlyMap<string, string>,
): Classification {
  if (problems.size === 0) return classification;
  const annotate = (finding: KeyFinding) => annotateFinding(finding, problems);
  return {
    ...classification,
    findings: classification.findings.map(annotate),
    flagged: classification.flagged.map(annotate),
  };
}

/** The announcements with their owners' problems added (see {@link withOwnerProblems}). */
export function announcementsWithOwnerProblems(
  announcements: readonly Announcement[],
  problems: ReadonlyMap<string, string>,
): Announcement[] {
  if (problems.size === 0) return [...announcements];
  return announcements.map((announcement) =>
    announcement.finding
      ? ({ ...announcement, finding: annotateFinding(announcement.finding, problems) } as Announcement)
      : announcement,
  );
}

function annotateFinding<T extends KeyFinding>(finding: T, problems: ReadonlyMap<string, string>): T {
  const notes = (finding.ownerEmails ?? []).flatMap((email) => problems.get(email) ?? []);
  if (notes.length === 0) return finding;
  return { ...finding, tagProblems: [...(finding.tagProblems ?? []), ...notes] };
}

/** One direct message to one owner. */
export interface OwnerMessage {
  /** The owner's address. */
  readonly email: string;
  /** The owner's Slack member id: the message goes to the app's conversation with them. */
  readonly userId: string;
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
}

/**
 * Renders one direct message per owner that Slack knows, listing that owner's keys with the
 * channel's wording (pure). Owners whose lookup failed get nothing here: the channel names them.
 */
export function renderOwnerMessages(
  deliveries: readonly OwnerDelivery[],
  lookups: ReadonlyMap<string, OwnerLookup>,
  context: OwnerMessageContext,
): OwnerMessage[] {
  const perOwner = new Map<string, OwnerDelivery[]>();
  for (const delivery of deliveries) {
    for (const email of delivery.emails) {
      if (lookups.get(email)?.userId === undefined) continue;
      perOwner.set(email, [...(perOwner.get(email) ?? []), delivery]);
    }
  }
  return [...perOwner].map(([email, owned]) => ({
    email,
    userId: lookups.get(email)?.userId as string,
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
  const lines = owned.slice(0, maxKeys).map((delivery) => truncateText(ownerLine(delivery.notice, context), 1000));
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

function withoutOwnerEmails<T extends KeyFinding>(finding: T): T {
  const { ownerEmails: _ownerEmails, ...rest } = finding;
  return rest as T;
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}

/** Inputs of {@link recordOwnerOutcome}. */
export interface OwnerOutcomeInput {
  /** The alert-state changes to apply for this run's channel delivery. */
  readonly changes: readonly StateChange[];
  /** This run's owner deliveries. */
  readonly deliveries: readonly OwnerDelivery[];
  /** Owner addresses whose direct message did not go out (failed, or never sent because the channel failed). */
  readonly failed: ReadonlySet<string>;
  /** The records loaded at the start of the run, pending resolutions included. */
  readonly records: readonly AlertRecord[];
}

/**
 * The alert-state changes with the owners' outcome folded in (pure). An announced key remembers its
 * owner addresses, and which of them are still to be told (`pending`) and what; a resolution whose
 * message failed keeps its record (without a channel announcement) until the owner is told or the
 * record expires; a retried message that went out clears the marker. A failed lookup is not
 * pending: the channel digest named that owner, which is the fallback.
 */
export function recordOwnerOutcome(input: OwnerOutcomeInput): StateChange[] {
  const byKey = new Map<string, StateChange>();
  for (const change of input.changes) byKey.set(keyOf(change), change);
  const records = new Map(input.records.map((record) => [record.accessKeyId, record]));
  const extra: StateChange[] = [];

  for (const delivery of input.deliveries) {
    const failed = delivery.emails.filter((email) => input.failed.has(email));
    const kind = delivery.notice.kind;
    if (kind === "flagged") continue;
    const state = (emails: readonly string[]) => ({
      emails,
      ...(failed.length > 0 ? { pending: failed, pendingKind: kind as AnnouncementKind } : {}),
    });
    const change = byKey.get(delivery.accessKeyId);
    if (!delivery.retry) {
      if (change?.type === "put") {
        byKey.set(delivery.accessKeyId, { type: "put", record: { ...change.record, owners: state(delivery.emails) } });
      } else if (change?.type === "delete" && failed.length > 0 && kind === "resolved") {
        const previous = delivery.notice.previous;
        byKey.set(delivery.accessKeyId, { type: "put", record: { ...previous, owners: state(delivery.emails) } });
      }
      continue;
    }
    const base = change?.type === "put" ? change.record : records.get(delivery.accessKeyId);
    if (!base) continue;
    const emails = base.owners?.emails ?? delivery.emails;
    const next: StateChange =
      kind === "resolved" && failed.length === 0
        ? { type: "delete", accessKeyId: delivery.accessKeyId }
        : { type: "put", record: { ...withoutOwners(base), owners: state(emails) } };
    if (change) byKey.set(delivery.accessKeyId, next);
    else extra.push(next);
  }
  return [...byKey.values(), ...extra];
}

function keyOf(change: StateChange): string {
  return change.type === "put" ? change.record.accessKeyId : change.accessKeyId;
}

function withoutOwners(record: AlertRecord): AlertRecord {
  const { owners: _owners, ...rest } = record;
  return rest;
}
