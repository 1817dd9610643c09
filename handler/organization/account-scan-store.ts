import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AccountScanRecord } from "./account-scan-record";
import { ACCOUNT_SCAN_KEY_PREFIX, ALERT_STATE_HASH_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";

// An account that leaves the organization stops being scanned: its record goes after 90 days.
const RETENTION_MS = 90 * 86_400_000;

/** The per-account scan records, kept in the alert-state table under `account#<id>` keys. */
export interface AccountScanStore {
  load(accountId: string): Promise<AccountScanRecord | undefined>;
  put(record: AccountScanRecord): Promise<void>;
  /** The records of these accounts that exist (BatchGetItem, 100 keys per call, unprocessed keys retried). */
  loadMany(accountIds: readonly string[]): Promise<AccountScanRecord[]>;
}

/** The store over the alert-state table (GetItem and PutItem, see aws-contract.ts). */
export function createAccountScanStore(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}): AccountScanStore {
  const { client, tableName } = options;
  const key = (accountId: string) => ({ [ALERT_STATE_HASH_KEY]: `${ACCOUNT_SCAN_KEY_PREFIX}${accountId}` });
  return {
    async load(accountId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(accountId), ConsistentRead: true }),
      );
      return Item ? fromAccountItem(Item) : undefined;
    },
    async put(record) {
      await client.send(new PutCommand({ TableName: tableName, Item: toAccountItem(record) }));
    },
    async loadMany(accountIds) {
      const records: AccountScanRecord[] = [];
      for (let start = 0; start < accountIds.length; start += 100) {
        let keys: Record<string, unknown>[] | undefined = accountIds.slice(start, start + 100).map(key);
        for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt += 1) {
          const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
          for (const item of result.Responses?.[tableName] ?? []) {
            const record = fromAccountItem(item);
            if (record) records.push(record);
          }
          keys = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
        }
      }
      return records;
    },
  };
}

/** The table item of an account's record. */
export function toAccountItem(record: AccountScanRecord): Record<string, unknown> {
  const date = (value: Date | undefined) => (value ? value.toISOString() : undefined);
  const item: Record<string, unknown> = {
    [ALERT_STATE_HASH_KEY]: `${ACCOUNT_SCAN_KEY_PREFIX}${record.accountId}`,
    accountId: record.accountId,
    accountName: record.accountName,
    lastAttemptAt: date(record.lastAttemptAt),
    lastSuccessAt: date(record.lastSuccessAt),
    counts: record.counts,
    lastError: record.lastError,
    failingSince: date(record.failingSince),
    failureAnnouncedAt: date(record.failureAnnouncedAt),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor((record.lastAttemptAt.getTime() + RETENTION_MS) / 1000),
  };
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

/** The record of an account item; undefined when it does not parse (then the account starts afresh). */
export function fromAccountItem(item: Record<string, unknown>): AccountScanRecord | undefined {
  const date = (value: unknown) => {
    if (typeof value !== "string") return undefined;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  };
  const lastAttemptAt = date(item.lastAttemptAt);
  if (typeof item.accountId !== "string" || !lastAttemptAt) return undefined;
  const optionalDate = (name: string) => {
    const value = date(item[name]);
    return value ? { [name]: value } : {};
  };
  return {
    accountId: item.accountId,
    ...(typeof item.accountName === "string" ? { accountName: item.accountName } : {}),
    lastAttemptAt,
    ...optionalDate("lastSuccessAt"),
    ...(item.counts && typeof item.counts === "object" ? { counts: item.counts as AccountScanRecord["counts"] } : {}),
    ...(typeof item.lastError === "string" ? { lastError: item.lastError } : {}),
    ...optionalDate("failingSince"),
    ...optionalDate("failureAnnouncedAt"),
  };
}
