import { EXPOSURE_EVENT } from "./aws-contract";

/** What started a run, read from the Lambda event. */
export interface RunTrigger {
  /**
   * The event's id: EventBridge gives every scheduled event one, and a redelivery of the event
   * carries the same id. @default undefined: a manual or CLI run, no redelivery protection
   */
  readonly eventId?: string;
  /** True for the daily heartbeat rule (`{"kind":"heartbeat"}`): post an all-clear when nothing else is posted. */
  readonly heartbeat: boolean;
  /** An AWS Health exposure event started the run: the keys it named. @default undefined: not such an event */
  readonly exposure?: ExposureTrigger;
}

/** What an AWS Health exposure event says. */
export interface ExposureTrigger {
  /** The event type, e.g. `AWS_RISK_CREDENTIALS_EXPOSED`. */
  readonly eventTypeCode: string;
  /** The access key ids the event names (`detail.affectedEntities[].entityValue`); may be empty. */
  readonly accessKeyIds: readonly string[];
  /**
   * The account the event is about (the event's `account`): in organization mode a member account
   * whose event was forwarded to the monitor's bus. @default undefined: not stated
   */
  readonly accountId?: string;
}

/** Heartbeat events carry this `kind` (the schedule rule's constant input). */
export const HEARTBEAT_EVENT_KIND = "heartbeat";

// An access key id: AKIA… (long-term) or ASIA… (temporary), upper-case letters and digits.
const ACCESS_KEY_ID = /^A[KS]IA[A-Z0-9]{12,124}$/;
const ACCOUNT_ID = /^\d{12}$/;
// A Health event names a handful of keys; more than this is not an event to trust whole.
const MAX_EVENT_KEYS = 20;

/**
 * Reads the trigger from a Lambda event (pure). Accepts a scheduled event (`id`), the heartbeat
 * rule's input (`{"kind":"heartbeat","id":…}`), an AWS Health exposure event (source `aws.health`,
 * service `RISK`, one of {@link EXPOSURE_EVENT}'s codes), or anything else (treated as a plain run).
 */
export function parseRunTrigger(event: unknown): RunTrigger {
  if (typeof event !== "object" || event === null) return { heartbeat: false };
  const { id, kind } = event as { id?: unknown; kind?: unknown };
  const exposure = parseExposureEvent(event);
  return {
    ...(typeof id === "string" && id.trim() !== "" ? { eventId: id.trim().slice(0, 200) } : {}),
    heartbeat: kind === HEARTBEAT_EVENT_KIND,
    ...(exposure ? { exposure } : {}),
  };
}

/**
 * The exposure an AWS Health event reports, or undefined for any other event. Entities that are not
 * access key ids are ignored; an event naming none still counts (the run scans, and says so).
 */
export function parseExposureEvent(event: object): ExposureTrigger | undefined {
  const { source, account, detail } = event as { source?: unknown; account?: unknown; detail?: unknown };
  const detailType = (event as Record<string, unknown>)["detail-type"];
  if (source !== EXPOSURE_EVENT.source || detailType !== EXPOSURE_EVENT.detailType) return undefined;
  if (typeof detail !== "object" || detail === null) return undefined;
  const { service, eventTypeCode, affectedEntities } = detail as Record<string, unknown>;
  const codes: readonly string[] = EXPOSURE_EVENT.eventTypeCodes;
  if (service !== EXPOSURE_EVENT.service || typeof eventTypeCode !== "string" || !codes.includes(eventTypeCode)) {
    return undefined;
  }
  const accessKeyIds: string[] = [];
  for (const entity of Array.isArray(affectedEntities) ? affectedEntities : []) {
    const value = (entity as { entityValue?: unknown } | null)?.entityValue;
    const keyId = typeof value === "string" ? value.trim() : "";
    if (ACCESS_KEY_ID.test(keyId) && !accessKeyIds.includes(keyId)) accessKeyIds.push(keyId);
  }
  return {
    eventTypeCode,
    accessKeyIds: accessKeyIds.slice(0, MAX_EVENT_KEYS),
    ...(typeof account === "string" && ACCOUNT_ID.test(account) ? { accountId: account } : {}),
  };
}
