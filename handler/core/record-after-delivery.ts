import type { AlertPlan, StateChange } from "./alert-transitions";

/** How far a delivery got: every message accepted, or only the first `messagesPosted`. */
export type DeliveryProgress =
  | { readonly complete: true }
  | { readonly complete: false; readonly messagesPosted: number };

/**
 * The alert-state changes to write once Slack answered. After a complete delivery: every change,
 * silent ones included. After a failure part-way: only the announcements in the messages Slack
 * accepted, so the retry re-sends the rest and nothing unsent is remembered as announced.
 */
export function changesToRecord(
  plan: AlertPlan,
  entriesPerMessage: readonly number[],
  delivery: DeliveryProgress,
): readonly StateChange[] {
  if (delivery.complete) return [...plan.silentChanges, ...plan.announcements.map((a) => a.change)];
  if (delivery.messagesPosted <= 0) return [];
  const delivered = entriesPerMessage.slice(0, delivery.messagesPosted).reduce((sum, count) => sum + count, 0);
  return plan.announcements.slice(0, delivered).map((announcement) => announcement.change);
}

/** The messages a failed delivery had posted before it failed (its error's `messagesPosted`), else 0. */
export function messagesPostedBefore(error: unknown): number {
  const posted = (error as { messagesPosted?: unknown } | null)?.messagesPosted;
  return typeof posted === "number" && posted > 0 ? posted : 0;
}
