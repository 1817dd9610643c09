import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ALERT_STATE_PARTITION_KEY, ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import { AlertStateError } from "./alert-state-error";
import { itemKey, stateKey } from "./state-keys";

/** Added to a lease past the invocation's end, for clock skew between two Lambda hosts. */
export const LEASE_SKEW_MS = 60_000;

/** The lease of a run without a Lambda deadline (a handler called directly): Lambda's longest invocation. */
export const UNBOUNDED_RUN_LEASE_MS = 15 * 60_000;

/** How long a run holds its account: until its invocation must have ended, plus the skew. */
export function leaseDurationMs(remainingTimeMs: number | undefined): number {
  return (remainingTimeMs ?? UNBOUNDED_RUN_LEASE_MS) + LEASE_SKEW_MS;
}

/** The lease of an account is another run's: who holds it, until when. */
export interface LeaseHeld {
  readonly acquired: false;
  /** The holder, when the table told it. @default undefined */
  readonly heldBy?: string;
  /** Until when, when the table told it. @default undefined */
  readonly until?: Date;
}

/** This run holds the account's lease until it releases it (or the lease runs out). */
export interface LeaseAcquired {
  readonly acquired: true;
  /** Gives the lease back, if it is still this run's. */
  release(): Promise<void>;
}

/** Options of {@link acquireAccountLease}. */
export interface AcquireLeaseOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly accountId: string;
  /** Who asks: the invocation's request id and the message, for the log of the run that finds it held. */
  readonly holder: string;
  /** How long to hold it (see {@link leaseDurationMs}). */
  readonly durationMs: number;
  /** Keep trying this long while another run holds it. @default 0: ask once */
  readonly waitMs?: number;
  /** Pause between two tries while waiting. @default 2_000 */
  readonly pollMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * One run per account at a time: a conditional PutItem of the account's `lease` item, which succeeds
 * only when no lease is there or the one there has run out (a run that died keeps nobody out for
 * longer than its invocation could have lasted). The run that finds it held gets who holds it.
 */
export async function acquireAccountLease(options: AcquireLeaseOptions): Promise<LeaseAcquired | LeaseHeld> {
  const now = options.now ?? Date.now;
  const giveUpAt = now() + (options.waitMs ?? 0);
  for (;;) {
    const outcome = await tryLease(options, now());
    if (outcome.acquired || now() + (options.pollMs ?? 2_000) > giveUpAt) return outcome;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}

async function tryLease(options: AcquireLeaseOptions, at: number): Promise<LeaseAcquired | LeaseHeld> {
  const { client, tableName, accountId, holder } = options;
  const until = at + options.durationMs;
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [ALERT_STATE_PARTITION_KEY]: accountId,
          [ALERT_STATE_SORT_KEY]: itemKey("lease"),
          holder,
          leaseUntil: until,
          [ALERT_STATE_TTL_ATTRIBUTE]: Math.ceil(until / 1000) + 3_600,
        },
        ConditionExpression: "attribute_not_exists(#sort) OR leaseUntil < :now",
        ExpressionAttributeNames: { "#sort": ALERT_STATE_SORT_KEY },
        ExpressionAttributeValues: { ":now": at },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") {
      throw new AlertStateError(`Could not take the lease of account ${accountId} in DynamoDB table ${tableName}`, {
        cause: error,
      });
    }
    // The old item comes as DynamoDB attribute values: the document client does not convert errors.
    const old = (error as { Item?: Record<string, { S?: string; N?: string } | undefined> }).Item;
    const heldBy = old?.holder?.S;
    const heldUntil = Number(old?.leaseUntil?.N);
    return {
      acquired: false,
      ...(heldBy !== undefined ? { heldBy } : {}),
      ...(Number.isFinite(heldUntil) ? { until: new Date(heldUntil) } : {}),
    };
  }
  return {
    acquired: true,
    release: async () => {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: stateKey(accountId, itemKey("lease")),
            ConditionExpression: "holder = :holder",
            ExpressionAttributeValues: { ":holder": holder },
          }),
        );
      } catch (error) {
        // Ran out and taken by another run: that lease is theirs now.
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") return;
        throw new AlertStateError(`Could not release the lease of account ${accountId}`, { cause: error });
      }
    },
  };
}
