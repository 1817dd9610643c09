import { DeleteCommand, PutCommand, paginateScan, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AlertRecord, AlertStatus, AnnouncementKind, OwnerDeliveryState, StateChange } from "./alert-transitions";
import { ALERT_STATE_HASH_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import { describeError } from "../runtime/error-fields";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { UNCHECKED_REMEMBERED_LIMIT } from "../scan/scan-budget";
import { TAG_NOTE_KEY_PREFIX, type TagNoteChange, type TagProblemNote } from "./tag-problem-notes";

/** Reads and writes the alert state; the only I/O of the stateful path besides scan and Slack. */
export interface AlertStateStore {
  /** Every record in the table. */
  load(): Promise<AlertRecord[]>;
  /** Writes the changes (after Slack accepted the announcements they belong to). */
  apply(changes: readonly StateChange[]): Promise<void>;
  /** The users the last run could not check before its time ran out, to check first. */
  loadUncheckedUsers(): Promise<string[]>;
  /** Remembers the users this run could not check (at most UNCHECKED_REMEMBERED_LIMIT); none clears the item. */
  saveUncheckedUsers(users: readonly string[], now: Date): Promise<void>;
  /** The announced tag problems (items keyed `tag-problems#<user>` in the same table). */
  loadTagNotes(): Promise<TagProblemNote[]>;
  /** Writes tag-problem notes (after Slack accepted the message that named them). */
  applyTagNotes(changes: readonly TagNoteChange[]): Promise<void>;
}

/**
 * The hash key of the one item that is not an alert: the users the last run left unchecked. Access key
 * ids are upper-case letters and digits, so it cannot collide; {@link fromItem} ignores it.
 */
export const UNCHECKED_USERS_ITEM_KEY = "#unchecked-users";

/** The unchecked-users item expires after a week without runs, like any stale resume point. */
const UNCHECKED_USERS_TTL_MS = 7 * 86_400_000;

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

const STATUSES: readonly AlertStatus[] = ["exposed", "critical", "warning", "unused"];

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
    async loadTagNotes() {
      const notes: TagProblemNote[] = [];
      try {
        for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
          for (const item of page.Items ?? []) {
            const note = tagNoteFromItem(item);
            if (note) notes.push(note);
          }
        }
      } catch (error) {
        throw new AlertStateError(`Could not read the alert state from DynamoDB table ${tableName}`, { cause: error });
      }
      return notes;
    },
    async applyTagNotes(changes) {
      await mapWithConcurrency(changes, options.concurrency ?? 8, async (change) => {
        try {
          if (change.type === "put") {
            await client.send(new PutCommand({ TableName: tableName, Item: tagNoteToItem(change.note) }));
          } else {
            await client.send(
              new DeleteCommand({
                TableName: tableName,
                Key: { [ALERT_STATE_HASH_KEY]: `${TAG_NOTE_KEY_PREFIX}${change.userName}` },
              }),
            );
          }
        } catch (error) {
          throw new AlertStateError(`Could not write the alert state to DynamoDB table ${tableName}`, { cause: error });
        }
      });
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
    async loadUncheckedUsers() {
      try {
        // A filtered Scan rather than GetItem: the table is small and the role needs no further action.
        for await (const page of paginateScan(
          { client },
          {
            TableName: tableName,
            ConsistentRead: true,
            FilterExpression: "#key = :key",
            ExpressionAttributeNames: { "#key": ALERT_STATE_HASH_KEY },
            ExpressionAttributeValues: { ":key": UNCHECKED_USERS_ITEM_KEY },
          },
        )) {
          for (const item of page.Items ?? []) {
            const users = item.users;
            if (Array.isArray(users)) return users.filter((user): user is string => typeof user === "string");
          }
        }
      } catch (error) {
        throw new AlertStateError(`Could not read the unchecked users from DynamoDB table ${tableName}`, {
          cause: error,
        });
      }
      return [];
    },
    async saveUncheckedUsers(users, now) {
      try {
        if (users.length === 0) {
          await client.send(
            new DeleteCommand({ TableName: tableName, Key: { [ALERT_STATE_HASH_KEY]: UNCHECKED_USERS_ITEM_KEY } }),
          );
          return;
        }
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [ALERT_STATE_HASH_KEY]: UNCHECKED_USERS_ITEM_KEY,
              users: users.slice(0, UNCHECKED_REMEMBERED_LIMIT),
              recordedAt: now.toISOString(),
              [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor((now.getTime() + UNCHECKED_USERS_TTL_MS) / 1000),
            },
          }),
        );
      } catch (error) {
        throw new AlertStateError(`Could not write the unchecked users to DynamoDB table ${tableName}`, {
          cause: error,
        });
      }
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
    ...(record.accountId !== undefined ? { accountId: record.accountId } : {}),
    ...(record.exposedByEvent ? { exposedByEvent: 1 } : {}),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(record.expiresAt.getTime() / 1000),
  };
}

/** The record of a table item; undefined when the item does not parse. */
export function fromItem(item: Record<string, unknown>): AlertRecord | undefined {
  const { userName, status, eventId, accountId } = item;
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
    ...(typeof accountId === "string" ? { accountId } : {}),
    ...(item.exposedByEvent === 1 || item.exposedByEvent === true ? { exposedByEvent: true as const } : {}),
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

/** The table item of a tag-problem note: no `status`, so key-record readers (older versions too) skip it. */
export function tagNoteToItem(note: TagProblemNote): Record<string, string | number> {
  return {
    [ALERT_STATE_HASH_KEY]: `${TAG_NOTE_KEY_PREFIX}${note.userName}`,
    kind: "tag-problems",
    userName: note.userName,
    problems: note.problems,
    announcedAt: note.announcedAt.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(note.expiresAt.getTime() / 1000),
  };
}

/** The tag-problem note of a table item; undefined for key records and items that do not parse. */
export function tagNoteFromItem(item: Record<string, unknown>): TagProblemNote | undefined {
  const key = item[ALERT_STATE_HASH_KEY];
  const { userName, problems, kind } = item;
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  const announcedAt = new Date(String(item.announcedAt));
  if (kind !== "tag-problems" || typeof key !== "string" || !key.startsWith(TAG_NOTE_KEY_PREFIX)) return undefined;
  if (typeof userName !== "string" || typeof problems !== "string" || Number.isNaN(announcedAt.getTime())) {
    return undefined;
  }
  if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) return undefined;
  return { userName, problems, announcedAt, expiresAt: new Date(expiresAt * 1000) };
}
