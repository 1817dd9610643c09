import { PutCommand, paginateScan, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ALERT_STATE_HASH_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import { ENFORCEMENT_ITEM_PREFIX, type EnforcementRecord } from "./enforcement-record";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { AlertStateError } from "../alerts/alert-state-store";

/** Reads and writes the enforcement records kept in the alert-state table. */
export interface EnforcementStateStore {
  /** Every enforcement record. */
  load(): Promise<EnforcementRecord[]>;
  /** Writes the records (each replaces the key's previous one). */
  put(records: readonly EnforcementRecord[]): Promise<void>;
}

/** Options of {@link createEnforcementStateStore}. */
export interface EnforcementStateStoreOptions {
  /** The document client. */
  readonly client: DynamoDBDocumentClient;
  /** The alert-state table (`ALERT_STATE_TABLE`). */
  readonly tableName: string;
}

const DATE_FIELDS = [
  "noticeAt",
  "deactivateOn",
  "dayBeforeAt",
  "wouldDeactivateAt",
  "deactivatedAt",
  "brakeAnnouncedAt",
] as const;

/**
 * The enforcement records, one item per key beside the alert records of the same table, under the
 * item key `enforcement#<key id>` (the alert-state reader skips them: they have no alert status).
 */
export function createEnforcementStateStore(options: EnforcementStateStoreOptions): EnforcementStateStore {
  const { client, tableName } = options;
  return {
    async load() {
      const records: EnforcementRecord[] = [];
      try {
        const pages = paginateScan(
          { client },
          {
            TableName: tableName,
            ConsistentRead: true,
            FilterExpression: "begins_with(#key, :prefix)",
            ExpressionAttributeNames: { "#key": ALERT_STATE_HASH_KEY },
            ExpressionAttributeValues: { ":prefix": ENFORCEMENT_ITEM_PREFIX },
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) {
            const record = enforcementFromItem(item);
            if (record) records.push(record);
          }
        }
      } catch (error) {
        throw new AlertStateError(`Could not read the enforcement state from DynamoDB table ${tableName}`, {
          cause: error,
        });
      }
      return records;
    },
    async put(records) {
      await mapWithConcurrency(records, 8, async (record) => {
        try {
          await client.send(new PutCommand({ TableName: tableName, Item: enforcementToItem(record) }));
        } catch (error) {
          throw new AlertStateError(`Could not write the enforcement state to DynamoDB table ${tableName}`, {
            cause: error,
          });
        }
      });
    },
  };
}

/** The table item of an enforcement record. */
export function enforcementToItem(record: EnforcementRecord): Record<string, string | number | boolean> {
  const item: Record<string, string | number | boolean> = {
    [ALERT_STATE_HASH_KEY]: `${ENFORCEMENT_ITEM_PREFIX}${record.accessKeyId}`,
    userName: record.userName,
    reactivations: record.reactivations,
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(record.expiresAt.getTime() / 1000),
  };
  for (const field of DATE_FIELDS) {
    const value = record[field];
    if (value !== undefined) item[field] = value.toISOString();
  }
  if (record.noticeMode !== undefined) item.noticeMode = record.noticeMode;
  if (record.deactivationAnnounced !== undefined) item.deactivationAnnounced = record.deactivationAnnounced;
  return item;
}

/** The record of a table item; undefined when it is not an enforcement item or does not parse. */
export function enforcementFromItem(item: Record<string, unknown>): EnforcementRecord | undefined {
  const key = item[ALERT_STATE_HASH_KEY];
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  if (typeof key !== "string" || !key.startsWith(ENFORCEMENT_ITEM_PREFIX)) return undefined;
  if (typeof item.userName !== "string" || typeof expiresAt !== "number") return undefined;
  const dates: Partial<Record<(typeof DATE_FIELDS)[number], Date>> = {};
  for (const field of DATE_FIELDS) {
    if (item[field] === undefined) continue;
    const date = new Date(String(item[field]));
    if (Number.isNaN(date.getTime())) return undefined;
    dates[field] = date;
  }
  const mode = item.noticeMode;
  return {
    accessKeyId: key.slice(ENFORCEMENT_ITEM_PREFIX.length),
    userName: item.userName,
    reactivations: typeof item.reactivations === "number" ? item.reactivations : 0,
    expiresAt: new Date(expiresAt * 1000),
    ...dates,
    ...(mode === "armed" || mode === "dry-run" ? { noticeMode: mode } : {}),
    ...(typeof item.deactivationAnnounced === "boolean" ? { deactivationAnnounced: item.deactivationAnnounced } : {}),
  };
}
