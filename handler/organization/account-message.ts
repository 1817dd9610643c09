import type { OrganizationAccount } from "./organization-scope";
import { isAccountId } from "./organization-scope";
import { parseExposureEvent, type ExposureTrigger, type RunTrigger } from "../runtime/run-trigger";
import { EXPOSURE_EVENT } from "../runtime/aws-contract";

/** The body of one SQS message from the dispatcher to the worker: one account to scan. */
export interface AccountMessage {
  readonly accountId: string;
  /** The account's name in Organizations. @default undefined */
  readonly accountName?: string;
  /** The scheduled event's id, so a redelivered message announces nothing twice. @default undefined */
  readonly eventId?: string;
  /** True when the daily heartbeat dispatched it. */
  readonly heartbeat: boolean;
  /** The AWS Health exposure event about this account that dispatched it. @default undefined */
  readonly exposure?: Pick<ExposureTrigger, "eventTypeCode" | "accessKeyIds">;
}

/** The message for one account of a dispatched run. */
export function accountMessage(account: OrganizationAccount, trigger: RunTrigger): AccountMessage {
  return {
    accountId: account.id,
    ...(account.name ? { accountName: account.name } : {}),
    // Per account: each account's records carry their own event id.
    ...(trigger.eventId !== undefined ? { eventId: `${trigger.eventId}:${account.id}` } : {}),
    heartbeat: trigger.heartbeat,
    ...(trigger.exposure
      ? { exposure: { eventTypeCode: trigger.exposure.eventTypeCode, accessKeyIds: trigger.exposure.accessKeyIds } }
      : {}),
  };
}

/**
 * The accounts a dispatcher run queues (pure): every account in scope, or for an AWS Health exposure
 * event (forwarded from a member account to the monitor's bus) only the account it is about, if that
 * account is in scope. An event about an account outside the scope queues nothing and is reported.
 */
export function accountsToQueue<A extends OrganizationAccount>(
  accounts: readonly A[],
  trigger: RunTrigger,
): { readonly accounts: readonly A[]; readonly exposureOutOfScope?: string } {
  if (!trigger.exposure) return { accounts };
  const target = accounts.filter((account) => account.id === trigger.exposure?.accountId);
  return target.length > 0
    ? { accounts: target }
    : { accounts: [], exposureOutOfScope: trigger.exposure.accountId ?? "unknown" };
}

/** Parses a message body; throws an error quoting what is wrong (the message then goes to the DLQ). */
export function parseAccountMessage(body: string): AccountMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`account message is not JSON: ${JSON.stringify(body.slice(0, 200))}`);
  }
  const { accountId, accountName, eventId, heartbeat, exposure } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof accountId !== "string" || !isAccountId(accountId)) {
    throw new Error(`account message has no 12-digit accountId: ${JSON.stringify(body.slice(0, 200))}`);
  }
  return {
    accountId,
    ...(typeof accountName === "string" && accountName !== "" ? { accountName } : {}),
    ...(typeof eventId === "string" && eventId !== "" ? { eventId } : {}),
    heartbeat: heartbeat === true,
    ...exposureOf(exposure),
  };
}

// Read back through the event parser, so a message names only what a Health event could.
function exposureOf(value: unknown): Pick<AccountMessage, "exposure"> {
  if (typeof value !== "object" || value === null) return {};
  const { eventTypeCode, accessKeyIds } = value as Record<string, unknown>;
  const parsed = parseExposureEvent({
    source: EXPOSURE_EVENT.source,
    "detail-type": EXPOSURE_EVENT.detailType,
    detail: {
      service: EXPOSURE_EVENT.service,
      eventTypeCode,
      affectedEntities: Array.isArray(accessKeyIds) ? accessKeyIds.map((entityValue) => ({ entityValue })) : [],
    },
  });
  return parsed ? { exposure: { eventTypeCode: parsed.eventTypeCode, accessKeyIds: parsed.accessKeyIds } } : {};
}

/** Splits `items` into SendMessageBatch-sized groups (SQS takes at most 10 entries per call). */
export function inBatches<T>(items: readonly T[], size = 10): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
