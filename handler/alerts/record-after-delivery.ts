import type { AlertPlan, Announcement, StateChange } from "./alert-transitions";

/** How far a delivery got: every message accepted, or only the first `messagesPosted`. */
export type DeliveryProgress =
  | { readonly complete: true }
  | { readonly complete: false; readonly messagesPosted: number };

/**
 * The alert-state changes to write once Slack answered: the change of each announcement that a
 * message Slack accepted names on its own line (`namedPerMessage`, from the digest), plus, after a
 * complete delivery, the silent changes. An announcement that was planned but not named (only
 * counted in an "… and N more" note, or in a message Slack did not accept) changes nothing: a new key
 * stays unrecorded, a due reminder stays due and a resolved key keeps its record, so a later run
 * names it. A count never stands in for a name.
 */
export function changesToRecord(
  plan: AlertPlan,
  namedPerMessage: readonly (readonly Announcement[])[],
  delivery: DeliveryProgress,
): readonly StateChange[] {
  const accepted = delivery.complete ? namedPerMessage : namedPerMessage.slice(0, Math.max(0, delivery.messagesPosted));
  const named = new Set(accepted.flat());
  const announced = plan.announcements.filter((announcement) => named.has(announcement)).map((a) => a.change);
  return delivery.complete ? [...plan.silentChanges, ...announced] : announced;
}

/** The messages a failed delivery had posted before it failed (its error's `messagesPosted`), else 0. */
export function messagesPostedBefore(error: unknown): number {
  const posted = (error as { messagesPosted?: unknown } | null)?.messagesPosted;
  return typeof posted === "number" && posted > 0 ? posted : 0;
}

/**
 * The changes of `all` that are not already among `recorded` (the same change objects): what a later
 * step (the owners' outcome) adds to or replaces in changes written before it.
 */
export function changesNotIn<T>(all: readonly T[], recorded: readonly T[]): T[] {
  const written = new Set(recorded);
  return all.filter((change) => !written.has(change));
}
