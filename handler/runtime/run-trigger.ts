/** What started a run, read from the Lambda event. */
export interface RunTrigger {
  /**
   * The event's id: EventBridge gives every scheduled event one, and a redelivery of the event
   * carries the same id. @default undefined: a manual or CLI run, no redelivery protection
   */
  readonly eventId?: string;
  /** True for the daily heartbeat rule (`{"kind":"heartbeat"}`): post an all-clear when nothing else is posted. */
  readonly heartbeat: boolean;
}

/** Heartbeat events carry this `kind` (the schedule rule's constant input). */
export const HEARTBEAT_EVENT_KIND = "heartbeat";

/**
 * Reads the trigger from a Lambda event (pure). Accepts a scheduled event (`id`), the heartbeat
 * rule's input (`{"kind":"heartbeat","id":…}`), or anything else (treated as a plain run).
 */
export function parseRunTrigger(event: unknown): RunTrigger {
  if (typeof event !== "object" || event === null) return { heartbeat: false };
  const { id, kind } = event as { id?: unknown; kind?: unknown };
  return {
    ...(typeof id === "string" && id.trim() !== "" ? { eventId: id.trim().slice(0, 200) } : {}),
    heartbeat: kind === HEARTBEAT_EVENT_KIND,
  };
}
