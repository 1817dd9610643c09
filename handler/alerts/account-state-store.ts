import {
  DeleteCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { ALERT_STATE_PARTITION_KEY, LEGACY_ALERT_STATE_HASH_KEY } from "../runtime/aws-contract";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { AlertStateError } from "./alert-state-error";
import { legacyItemsOf, migratedMarker } from "./legacy-alert-state";
import { itemKeyOf, ITEM_KINDS, stateKey } from "./state-keys";

/** One item of the state table, as read: its attributes, the keys included. */
export type StateItem = Readonly<Record<string, unknown>>;

/** A write to one account's partition: an item (with its `itemKey`, without the partition key) or a deletion. */
export type StateWrite =
  | { readonly type: "put"; readonly item: Readonly<Record<string, unknown>> }
  | { readonly type: "delete"; readonly itemKey: string };

/** The state table, by account partition. */
export interface AccountStateStore {
  /** Every item of the partition, every kind, from one consistent Query (all pages). */
  read(partition: string): Promise<StateItem[]>;
  /** Puts and deletes items of the partition. */
  write(partition: string, writes: readonly StateWrite[]): Promise<void>;
}

/** The state table and its client, as the container keeps them: the store by mode, the client for the lease. */
export interface StateTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * The store; `singleAccount` tells how the previous layout's items are carried over (all of a
   * single-account table are the function's account's).
   */
  store(singleAccount: boolean): AccountStateStore;
}

/** One account's partition for one run: read once for every kind of item, written item by item. */
export interface AccountPartition {
  /** The account (the partition key). */
  readonly accountId: string;
  /** The partition's items, read on first use and then kept for the run. */
  items(): Promise<readonly StateItem[]>;
  /** Puts and deletes items of the partition. */
  write(writes: readonly StateWrite[]): Promise<void>;
}

/** Where the previous layout's items of an account are, to carry them over on its first read. */
export interface LegacyStateSource {
  /** The table of the previous layout (`LEGACY_ALERT_STATE_TABLE`). */
  readonly tableName: string;
  /** Single-account mode: the table's items without an account are this function's account's. */
  readonly singleAccount: boolean;
}

/** Options of {@link createAccountStateStore}. */
export interface AccountStateStoreOptions {
  /** The document client (endpoint and region from the SDK's own resolution). */
  readonly client: DynamoDBDocumentClient;
  /** The state table (`ALERT_STATE_TABLE`). */
  readonly tableName: string;
  /** Carry the previous layout's items over, once per account. @default undefined: nothing to carry over */
  readonly legacy?: LegacyStateSource;
  /** Writes in flight at once. @default 8 */
  readonly concurrency?: number;
  /** The clock, for the migration marker. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * The state table's edge: a partition is read with one consistent Query (every item kind at once),
 * and written with PutItem and DeleteItem. With `legacy`, a partition without the `migrated` marker
 * first gets its account's items from the previous layout's table (one Scan, once per account), so an
 * upgrade announces nothing again.
 */
export function createAccountStateStore(options: AccountStateStoreOptions): AccountStateStore {
  const { client, tableName } = options;
  const write = async (partition: string, writes: readonly StateWrite[]): Promise<void> => {
    await mapWithConcurrency(writes, options.concurrency ?? 8, async (change) => {
      try {
        if (change.type === "put") {
          await client.send(
            new PutCommand({ TableName: tableName, Item: { ...change.item, [ALERT_STATE_PARTITION_KEY]: partition } }),
          );
        } else {
          await client.send(new DeleteCommand({ TableName: tableName, Key: stateKey(partition, change.itemKey) }));
        }
      } catch (error) {
        throw new AlertStateError(`Could not write the alert state to DynamoDB table ${tableName}`, { cause: error });
      }
    });
  };
  const query = async (partition: string): Promise<StateItem[]> => {
    const items: StateItem[] = [];
    try {
      for await (const page of paginateQuery(
        { client },
        {
          TableName: tableName,
          ConsistentRead: true,
          KeyConditionExpression: "#partition = :partition",
          ExpressionAttributeNames: { "#partition": ALERT_STATE_PARTITION_KEY },
          ExpressionAttributeValues: { ":partition": partition },
        },
      )) {
        items.push(...(page.Items ?? []));
      }
    } catch (error) {
      throw new AlertStateError(`Could not read the alert state from DynamoDB table ${tableName}`, { cause: error });
    }
    return items;
  };
  return {
    async read(partition) {
      const items = await query(partition);
      const { legacy } = options;
      if (!legacy || items.some((item) => itemKeyOf(item) === ITEM_KINDS.migrated)) return items;
      // First read of this account since the upgrade: carry its items of the previous layout over,
      // except those the new layout already has (they are newer), then mark the partition.
      const present = new Set(items.map(itemKeyOf));
      const carried = legacyItemsOf(
        await scanLegacy(client, legacy, partition),
        partition,
        legacy.singleAccount,
      ).filter((item) => !present.has(itemKeyOf(item)));
      const marker = migratedMarker(legacy.tableName, carried.length, (options.now ?? (() => new Date()))());
      await write(
        partition,
        carried.map((item) => ({ type: "put", item })),
      );
      await write(partition, [{ type: "put", item: marker }]);
      const stamp = (item: StateItem) => ({ ...item, [ALERT_STATE_PARTITION_KEY]: partition });
      return [...items, ...carried.map(stamp), stamp(marker)];
    },
    write,
  };
}

/** The partition of one account for one run: its items are read once, however many parts of the run ask. */
export function accountPartition(store: AccountStateStore, accountId: string): AccountPartition {
  let items: Promise<StateItem[]> | undefined;
  return {
    accountId,
    items: () => {
      items ??= store.read(accountId);
      return items;
    },
    write: (writes) => store.write(accountId, writes),
  };
}

/**
 * The previous layout's items that may be this account's: every item of a single-account table, or,
 * in organization mode, the items that name the account (its key records and its scan record). A table
 * that does not exist (a deployment that never had it, or one deleted after the upgrade) has none.
 */
async function scanLegacy(
  client: DynamoDBDocumentClient,
  legacy: LegacyStateSource,
  accountId: string,
): Promise<StateItem[]> {
  const items: StateItem[] = [];
  const filter = legacy.singleAccount
    ? {}
    : {
        FilterExpression: "#account = :account OR #key = :scanKey",
        ExpressionAttributeNames: { "#account": ALERT_STATE_PARTITION_KEY, "#key": LEGACY_ALERT_STATE_HASH_KEY },
        ExpressionAttributeValues: { ":account": accountId, ":scanKey": `account#${accountId}` },
      };
  try {
    for await (const page of paginateScan(
      { client },
      { TableName: legacy.tableName, ConsistentRead: true, ...filter },
    )) {
      items.push(...(page.Items ?? []));
    }
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return [];
    throw new AlertStateError(`Could not read the previous alert state from DynamoDB table ${legacy.tableName}`, {
      cause: error,
    });
  }
  return items;
}
