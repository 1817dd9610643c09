import type { AlertRecord, AnnouncementKind, StateChange } from "../../alerts/alert-transitions";
import type { OwnerDelivery } from "./plan-owner-deliveries";

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
