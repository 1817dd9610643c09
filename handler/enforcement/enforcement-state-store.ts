import { PutCommand, paginateScan, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ALERT_STATE_HASH_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import {
  ENFORCEMENT_ITEM_PREFIX,
  ENFORCEMENT_STRETCH_ITEM_KEY,
  type EnforcementRecord,
  type EnforcementState,
  type EnforcementStretch,
} from "./enforcement-record";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { AlertStateError } from "../alerts/alert-state-store";
import { parseEnforcementMode } from "./enforcement-mode";

/** Reads and writes the enforcement records kept in the alert-state table. */
export interface EnforcementStateStore {
  /** Every enforcement record, and the account's stretch. */
  load(): Promise<EnforcementState>;
  /** Writes the records (each replaces the key's previous one). */
  put(records: readonly EnforcementRecord[]): Promise<void>;
  /** Writes the account's stretch. */
  putStretch(stretch: EnforcementStretch): Promise<void>;
  /**
   * Records that enforcement is off (a run with `ENFORCEMENT=off`): only where a stretch exists and is
   * not already off, so an account that never enforced gets no item.
   */
  markOff(now: Date): Promise<void>;
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
  "intentAt",
  "deactivatedAt",
  "lastDeactivatedAt",
  "inactiveSeenAt",
  "reactivatedAt",
  "brakeAnnouncedAt",
] as const;
const NUMBER_FIELDS = ["noticeAgeMs", "noticePeriodMs"] as const;
// A stretch outlives any record: it only says since when enforcement has run unbroken.
const STRETCH_RETENTION_MS = 400 * 86_400_000;

/**
 * The enforcement records, one item per key beside the alert records of the same table, under the
 * item key `enforcement#<key id>` (the alert-state reader skips them: they have no alert status),
 * and the account's stretch under `enforcement#~stretch`.
 */
export function createEnforcementStateStore(options: EnforcementStateStoreOptions): EnforcementStateStore {
  const { client, tableName } = options;
  const write = async (item: Record<string, unknown>, condition?: Omit<PutConditionInput, "TableName" | "Item">) => {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
    } catch (error) {
      if (condition && (error as { name?: string }).name === "ConditionalCheckFailedException") return;
      throw new AlertStateError(`Could not write the enforcement state to DynamoDB table ${tableName}`, {
        cause: error,
      });
    }
  };
  return {
    async load() {
      const records: EnforcementRecord[] = [];
      let stretch: EnforcementStretch | undefined;
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
            if (item[ALERT_STATE_HASH_KEY] === ENFORCEMENT_STRETCH_ITEM_KEY) {
              stretch = stretchFromItem(item);
              continue;
            }
            const record = enforcementFromItem(item);
            if (record) records.push(record);
          }
        }
      } catch (error) {
        throw new AlertStateError(`Could not read the enforcement state from DynamoDB table ${tableName}`, {
          cause: error,
        });
      }
      return { records, ...(stretch ? { stretch } : {}) };
    },
    async put(records) {
      // One at a time: the first failure stops the rest, so nothing is written past a failure unseen.
      await mapWithConcurrency(records, records.length > 8 ? 8 : 1, (record) => write(enforcementToItem(record)));
    },
    putStretch: (stretch) => write(stretchToItem(stretch)),
    markOff: (now) =>
      write(stretchToItem({ mode: "off", since: now, lastRunAt: now }), {
        ConditionExpression: "attribute_exists(#key) AND #mode <> :off",
        ExpressionAttributeNames: { "#key": ALERT_STATE_HASH_KEY, "#mode": "mode" },
        ExpressionAttributeValues: { ":off": "off" },
      }),
  };
}

type PutConditionInput = ConstructorParameters<typeof PutCommand>[0];

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
  for (const field of NUMBER_FIELDS) {
    const value = record[field];
    if (value !== undefined) item[field] = value;
  }
  if (record.noticeMode !== undefined) item.noticeMode = record.noticeMode;
  if (record.lapseReason !== undefined) item.lapseReason = record.lapseReason;
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
  const numbers: Partial<Record<(typeof NUMBER_FIELDS)[number], number>> = {};
  for (const field of NUMBER_FIELDS) {
    const value = item[field];
    if (typeof value === "number" && Number.isFinite(value)) numbers[field] = value;
  }
  const mode = item.noticeMode;
  return {
    accessKeyId: key.slice(ENFORCEMENT_ITEM_PREFIX.length),
    userName: item.userName,
    reactivations: typeof item.reactivations === "number" ? item.reactivations : 0,
    expiresAt: new Date(expiresAt * 1000),
    ...dates,
    ...numbers,
    ...(mode === "armed" || mode === "dry-run" ? { noticeMode: mode } : {}),
    ...(typeof item.lapseReason === "string" ? { lapseReason: item.lapseReason } : {}),
    ...(typeof item.deactivationAnnounced === "boolean" ? { deactivationAnnounced: item.deactivationAnnounced } : {}),
  };
}

/** The table item of the account's stretch. */
export function stretchToItem(stretch: EnforcementStretch): Record<string, string | number> {
  return {
    [ALERT_STATE_HASH_KEY]: ENFORCEMENT_STRETCH_ITEM_KEY,
    mode: stretch.mode,
    since: stretch.since.toISOString(),
    lastRunAt: stretch.lastRunAt.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor((stretch.lastRunAt.getTime() + STRETCH_RETENTION_MS) / 1000),
  };
}

/** The stretch of its table item; undefined when it does not parse (then the next run starts a new one). */
export function stretchFromItem(item: Record<string, unknown>): EnforcementStretch | undefined {
  const mode = parseEnforcementMode(item.mode);
  const since = new Date(String(item.since));
  const lastRunAt = new Date(String(item.lastRunAt));
  if (mode === undefined || Number.isNaN(since.getTime()) || Number.isNaN(lastRunAt.getTime())) return undefined;
  return { mode, since, lastRunAt };
}
