import { BatchGetCommand, DeleteCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  ALERT_STATE_PARTITION_KEY,
  ALERT_STATE_SORT_KEY,
  ALERT_STATE_TTL_ATTRIBUTE,
  OWNER_CACHE_PARTITION,
} from "../../runtime/aws-contract";
import { describeError } from "../../runtime/error-fields";
import { mapWithConcurrency } from "../../runtime/map-with-concurrency";
import type { CachedOwner } from "./owner-cache";

/** Where the owners' Slack member ids are remembered (see owner-cache.ts). */
export interface OwnerCacheStore {
  /** The entries remembered for these addresses, fresh or stale (the caller judges). */
  get(emails: readonly string[]): Promise<ReadonlyMap<string, CachedOwner>>;
  /** Remembers these answers. */
  put(entries: readonly CachedOwner[]): Promise<void>;
  /** Forgets these addresses (a member id Slack no longer knows). */
  forget(emails: readonly string[]): Promise<void>;
}

/** Thrown when the cache cannot be read or written; callers log it and carry on without the cache. */
export class OwnerCacheError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`${message}: ${describeError(options.cause)}`, options);
    this.name = "OwnerCacheError";
  }
}

// The layout of a cache item in the state table, in one place: the cache has its own partition
// (OWNER_CACHE_PARTITION, never an account id), so no account's read of its partition sees it.
/** The sort-key prefix of an owner-cache item. */
export const OWNER_CACHE_KEY_PREFIX = "slack-owner#";
/** The item's `kind`. */
const KIND = "slack-owner";

/** The table key of an address's cache item. */
export function ownerCacheKey(email: string): Record<string, string> {
  return {
    [ALERT_STATE_PARTITION_KEY]: OWNER_CACHE_PARTITION,
    [ALERT_STATE_SORT_KEY]: `${OWNER_CACHE_KEY_PREFIX}${email}`,
  };
}

/** The table item of a cache entry; DynamoDB's TTL removes it once stale. */
export function ownerCacheToItem(entry: CachedOwner): Record<string, string | number | boolean> {
  return {
    ...ownerCacheKey(entry.email),
    kind: KIND,
    email: entry.email,
    ...(entry.userId !== undefined ? { userId: entry.userId } : { notFound: true }),
    checkedAt: entry.checkedAt.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(entry.expiresAt.getTime() / 1000),
  };
}

/** The cache entry of a table item; undefined for any other item, or one that does not parse. */
export function ownerCacheFromItem(item: Record<string, unknown>): CachedOwner | undefined {
  const { kind, email, userId, notFound } = item;
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  const checkedAt = new Date(String(item.checkedAt));
  if (kind !== KIND || typeof email !== "string" || typeof expiresAt !== "number") return undefined;
  if (Number.isNaN(checkedAt.getTime())) return undefined;
  const times = { checkedAt, expiresAt: new Date(expiresAt * 1000) };
  if (typeof userId === "string" && /^[UW][A-Z0-9]{2,20}$/.test(userId)) return { email, userId, ...times };
  return notFound === true ? { email, notFound: true, ...times } : undefined;
}

/** Options of {@link createDynamoOwnerCacheStore}. */
export interface DynamoOwnerCacheStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** The alert-state table (`ALERT_STATE_TABLE`). */
  readonly tableName: string;
}

// BatchGetItem takes at most 100 keys per call.
const BATCH_KEYS = 100;

/** The cache in the alert-state table: BatchGetItem for the addresses a run needs, PutItem and DeleteItem. */
export function createDynamoOwnerCacheStore(options: DynamoOwnerCacheStoreOptions): OwnerCacheStore {
  const { client, tableName } = options;
  const failure = (what: string, error: unknown) =>
    new OwnerCacheError(`Could not ${what} the Slack owner cache in DynamoDB table ${tableName}`, { cause: error });
  return {
    async get(emails) {
      const found = new Map<string, CachedOwner>();
      const unique = [...new Set(emails)];
      try {
        for (let start = 0; start < unique.length; start += BATCH_KEYS) {
          let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + BATCH_KEYS).map(ownerCacheKey);
          for (let round = 0; keys && keys.length > 0 && round < 5; round += 1) {
            const result = await client.send(
              new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
            );
            for (const item of result.Responses?.[tableName] ?? []) {
              const entry = ownerCacheFromItem(item);
              if (entry) found.set(entry.email, entry);
            }
            keys = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
          }
        }
      } catch (error) {
        throw failure("read", error);
      }
      return found;
    },
    async put(entries) {
      await mapWithConcurrency(entries, 8, async (entry) => {
        try {
          await client.send(new PutCommand({ TableName: tableName, Item: ownerCacheToItem(entry) }));
        } catch (error) {
          throw failure("write", error);
        }
      });
    },
    async forget(emails) {
      await mapWithConcurrency(emails, 8, async (email) => {
        try {
          await client.send(new DeleteCommand({ TableName: tableName, Key: ownerCacheKey(email) }));
        } catch (error) {
          throw failure("write", error);
        }
      });
    },
  };
}

/** The cache in the container's memory, for a monitor without alert state: it lasts while the container is warm. */
export function createMemoryOwnerCacheStore(): OwnerCacheStore {
  const entries = new Map<string, CachedOwner>();
  return {
    async get(emails) {
      return new Map(
        emails.flatMap((email) => (entries.has(email) ? [[email, entries.get(email) as CachedOwner]] : [])),
      );
    },
    async put(list) {
      for (const entry of list) entries.set(entry.email, entry);
    },
    async forget(emails) {
      for (const email of emails) entries.delete(email);
    },
  };
}
