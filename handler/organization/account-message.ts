import type { OrganizationAccount } from "./organization-scope";
import { isAccountId } from "./organization-scope";
import type { RunTrigger } from "../runtime/run-trigger";

/** The body of one SQS message from the dispatcher to the worker: one account to scan. */
export interface AccountMessage {
  readonly accountId: string;
  /** The account's name in Organizations. @default undefined */
  readonly accountName?: string;
  /** The scheduled event's id, so a redelivered message announces nothing twice. @default undefined */
  readonly eventId?: string;
  /** True when the daily heartbeat dispatched it. */
  readonly heartbeat: boolean;
}

/** The message for one account of a dispatched run. */
export function accountMessage(account: OrganizationAccount, trigger: RunTrigger): AccountMessage {
  return {
    accountId: account.id,
    ...(account.name ? { accountName: account.name } : {}),
    // Per account: each account's records carry their own event id.
    ...(trigger.eventId !== undefined ? { eventId: `${trigger.eventId}:${account.id}` } : {}),
    heartbeat: trigger.heartbeat,
  };
}

/** Parses a message body; throws an error quoting what is wrong (the message then goes to the DLQ). */
export function parseAccountMessage(body: string): AccountMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`account message is not JSON: ${JSON.stringify(body.slice(0, 200))}`);
  }
  const { accountId, accountName, eventId, heartbeat } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof accountId !== "string" || !isAccountId(accountId)) {
    throw new Error(`account message has no 12-digit accountId: ${JSON.stringify(body.slice(0, 200))}`);
  }
  return {
    accountId,
    ...(typeof accountName === "string" && accountName !== "" ? { accountName } : {}),
    ...(typeof eventId === "string" && eventId !== "" ? { eventId } : {}),
    heartbeat: heartbeat === true,
  };
}

/** Splits `items` into SendMessageBatch-sized groups (SQS takes at most 10 entries per call). */
export function inBatches<T>(items: readonly T[], size = 10): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
