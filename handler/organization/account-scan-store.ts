import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AlertStateError } from "../alerts/alert-state-error";
import type { AccountScanRecord } from "./account-scan-record";
import { ALERT_STATE_PARTITION_KEY, ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import type { AccountPartition } from "../alerts/account-state-store";
import { idOf, itemKey, stateKey } from "../alerts/state-keys";

// An account that leaves the organization stops being scanned: its record goes after 90 days.
const RETENTION_MS = 90 * 86_400_000;

/** One account's scan record: the `scan` item of its partition, read with the run's one Query. */
export interface AccountScanStore {
  load(): Promise<AccountScanRecord | undefined>;
  put(record: AccountScanRecord): Promise<void>;
}

/** The scan record of the account whose partition this is. */
export function accountScanStore(partition: AccountPartition): AccountScanStore {
  return {
    async load() {
      for (const item of await partition.items()) {
        if (idOf(item, "accountScan") !== undefined) return fromAccountItem(item);
      }
      return undefined;
    },
    put: (record) => partition.write([{ type: "put", item: toAccountItem(record) }]),
  };
}

/** Reads of a BatchGetItem's unprocessed keys, the first included, before the dispatch fails. */
export const SCAN_RECORD_READ_ATTEMPTS = 5;

/**
 * The scan records of these accounts that exist, for the dispatcher (BatchGetItem, 100 keys per call,
 * unprocessed keys retried after a growing pause). Keys DynamoDB still leaves unprocessed fail the
 * dispatch with an {@link AlertStateError} naming their accounts: a record left out would make a
 * failing account look new, hidden from the stale-account alarm and the summary.
 */
export async function loadAccountScans(
  client: DynamoDBDocumentClient,
  tableName: string,
  accountIds: readonly string[],
  pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<AccountScanRecord[]> {
  const records: AccountScanRecord[] = [];
  for (let start = 0; start < accountIds.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = accountIds
      .slice(start, start + 100)
      .map((id) => stateKey(id, itemKey("accountScan")));
    for (let attempt = 0; keys && keys.length > 0 && attempt < SCAN_RECORD_READ_ATTEMPTS; attempt += 1) {
      if (attempt > 0) await pause(100 * 2 ** (attempt - 1));
      let result: BatchGetCommandOutput;
      try {
        result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      } catch (error) {
        throw new AlertStateError(`Could not read the accounts' scan records from DynamoDB table ${tableName}`, {
          cause: error,
        });
      }
      for (const item of result.Responses?.[tableName] ?? []) {
        const record = fromAccountItem(item);
        if (record) records.push(record);
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
    if (keys && keys.length > 0) {
      const accounts = keys.map((key) => String(key[ALERT_STATE_PARTITION_KEY]));
      throw new AlertStateError(
        `Could not read the scan records of ${accounts.length === 1 ? "account" : "accounts"} ${accounts.join(", ")} ` +
          `from DynamoDB table ${tableName}`,
        { cause: new Error(`still unprocessed after ${SCAN_RECORD_READ_ATTEMPTS} BatchGetItem attempts`) },
      );
    }
  }
  return records;
}

/** The item of an account's scan record (without the partition key, which is the account's). */
export function toAccountItem(record: AccountScanRecord): Record<string, unknown> {
  const date = (value: Date | undefined) => (value ? value.toISOString() : undefined);
  const item: Record<string, unknown> = {
    [ALERT_STATE_SORT_KEY]: itemKey("accountScan"),
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

/** The record of an account's scan item; undefined when it does not parse (then the account starts afresh). */
export function fromAccountItem(item: Readonly<Record<string, unknown>>): AccountScanRecord | undefined {
  const date = (value: unknown) => {
    if (typeof value !== "string") return undefined;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  };
  const lastAttemptAt = date(item.lastAttemptAt);
  const accountId = item[ALERT_STATE_PARTITION_KEY];
  if (typeof accountId !== "string" || !lastAttemptAt) return undefined;
  const optionalDate = (name: string) => {
    const value = date(item[name]);
    return value ? { [name]: value } : {};
  };
  return {
    accountId,
    ...(typeof item.accountName === "string" ? { accountName: item.accountName } : {}),
    lastAttemptAt,
    ...optionalDate("lastSuccessAt"),
    ...(item.counts && typeof item.counts === "object" ? { counts: item.counts as AccountScanRecord["counts"] } : {}),
    ...(typeof item.lastError === "string" ? { lastError: item.lastError } : {}),
    ...optionalDate("failingSince"),
    ...optionalDate("failureAnnouncedAt"),
  };
}
