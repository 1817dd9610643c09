import { DeleteCommand, PutCommand, paginateScan, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type {
  AlertRecord,
  AlertStatus,
  AnnouncementKind,
  OwnerDeliveryState,
  StateChange,
} from "../core/alert-transitions";
import { ALERT_STATE_HASH_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../core/aws-contract";
import { describeError } from "../core/error-fields";
import { mapWithConcurrency } from "../core/map-with-concurrency";

/** Reads and writes the alert state; the only I/O of the stateful path besides scan and Slack. */
export interface AlertStateStore {
  /** Every record in the table. */
  load(): Promise<AlertRecord[]>;
  /** Writes the changes (after Slack accepted the announcements they belong to). */
  apply(changes: readonly StateChange[]): Promise<void>;
}

/** Thrown when the alert state cannot be read or written; the run fails rather than guess. */
export class AlertStateError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`${message}: ${describeError(options.cause)}`, options);
    this.name = "AlertStateError";
  }
}

/** Options of {@link createAlertStateStore}. */
export interface AlertStateStoreOptions {
  /** The document client (endpoint and region from the SDK's own resolution). */
  readonly client: DynamoDBDocumentClient;
  /** The table name (`ALERT_STATE_TABLE`). */
  readonly tableName: string;
  /** Writes in flight at once. @default 8 */
  readonly concurrency?: number;
}

const STATUSES: readonly AlertStatus[] = ["critical", "warning", "unused"];

/**
 * The alert state in one DynamoDB table per environment: one item per announced key. The table is
 * small (only keys that are or were bad), so a consistent Scan reads it; items that do not parse
 * (hand-edited, or from a future version) are ignored, which at worst re-announces their key.
 */
export function createAlertStateStore(options: AlertStateStoreOptions): AlertStateStore {
  const { client, tableName } = options;
  return {
    async load() {
      const records: AlertRecord[] = [];
      try {
        for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
          for (const item of page.Items ?? []) {
            const record = fromItem(item);
            if (record) records.push(record);
          }
        }
      } catch (error) {
        throw new AlertStateError(`Could not read the alert state from DynamoDB table ${tableName}`, { cause: error });
      }
      return records;
    },
    async apply(changes) {
      await mapWithConcurrency(changes, options.concurrency ?? 8, async (change) => {
        try {
          if (change.type === "put") {
            await client.send(new PutCommand({ TableName: tableName, Item: toItem(change.record) }));
          } else {
            await client.send(
              new DeleteCommand({ TableName: tableName, Key: { [ALERT_STATE_HASH_KEY]: change.accessKeyId } }),
            );
          }
        } catch (error) {
          throw new AlertStateError(`Could not write the alert state to DynamoDB table ${tableName}`, { cause: error });
        }
      });
    },
  };
}

/** The table item of a record. */
export function toItem(record: AlertRecord): Record<string, string | number | OwnerDeliveryState> {
  return {
    [ALERT_STATE_HASH_KEY]: record.accessKeyId,
    userName: record.userName,
    status: record.status,
    announcedAt: record.announcedAt.toISOString(),
    since: record.since.toISOString(),
    ...(record.eventId !== undefined ? { eventId: record.eventId } : {}),
    ...(record.owners !== undefined ? { owners: record.owners } : {}),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(record.expiresAt.getTime() / 1000),
  };
}

/** The record of a table item; undefined when the item does not parse. */
export function fromItem(item: Record<string, unknown>): AlertRecord | undefined {
  const { userName, status, eventId } = item;
  const accessKeyId = item[ALERT_STATE_HASH_KEY];
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  const announcedAt = new Date(String(item.announcedAt));
  const since = new Date(String(item.since));
  if (typeof accessKeyId !== "string" || typeof userName !== "string") return undefined;
  if (typeof status !== "string" || !STATUSES.includes(status as AlertStatus)) return undefined;
  if (Number.isNaN(announcedAt.getTime()) || Number.isNaN(since.getTime())) return undefined;
  if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) return undefined;
  return {
    accessKeyId,
    userName,
    status: status as AlertStatus,
    announcedAt,
    since,
    ...(typeof eventId === "string" ? { eventId } : {}),
    ...(ownerState(item.owners) ?? {}),
    expiresAt: new Date(expiresAt * 1000),
  };
}

const KINDS: readonly AnnouncementKind[] = ["new", "worse", "reminder", "resolved"];

// An owners map that does not parse is dropped: at worst an owner misses a retried message.
function ownerState(value: unknown): { owners: OwnerDeliveryState } | undefined {
  const isList = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((entry) => typeof entry === "string");
  if (typeof value !== "object" || value === null) return undefined;
  const { emails, pending, pendingKind } = value as Record<string, unknown>;
  if (!isList(emails)) return undefined;
  const kind = KINDS.find((known) => known === pendingKind);
  return {
    owners: {
      emails,
      ...(isList(pending) && pending.length > 0 && kind ? { pending, pendingKind: kind } : {}),
    },
  };
}
