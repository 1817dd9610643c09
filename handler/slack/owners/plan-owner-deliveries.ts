import { isAlertStatus, type AlertRecord, type AlertStatus, type Announcement } from "../../alerts/alert-transitions";
import type { Classification, KeyFinding } from "../../scan/classify";
import type { AnnouncementContent } from "../render-digest";

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
  /** True for a message not yet sent on an earlier run (failed, or not reached in time), sent on its own. */
  readonly retry: boolean;
}

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

/** Every owner address of the deliveries, once, in the deliveries' order. */
export function ownerEmails(deliveries: readonly OwnerDelivery[]): string[] {
  return [...new Set(deliveries.flatMap((delivery) => delivery.emails))];
}
