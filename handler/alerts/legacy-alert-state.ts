import { ALERT_STATE_PARTITION_KEY, ALERT_STATE_SORT_KEY, LEGACY_ALERT_STATE_HASH_KEY } from "../runtime/aws-contract";
import { ITEM_KINDS, itemKey } from "./state-keys";

/** The previous layout's hash key of the unchecked-users item. */
const LEGACY_UNCHECKED_USERS_KEY = "#unchecked-users";
/** The previous layout's hash-key prefix of an account's scan record (organization mode). */
const LEGACY_ACCOUNT_SCAN_PREFIX = "account#";

/**
 * The sort key an item of the previous layout gets in the state table: a key record (its hash key
 * was the bare access key id) becomes `key#<id>`; tag notes and enforcement records keep their key;
 * the unchecked users and the account's scan record get their kind's. Undefined for an item that is
 * not `accountId`'s (another account's scan record) or that has no key.
 */
function sortKeyOfLegacy(hashKey: string, accountId: string): string | undefined {
  if (hashKey === LEGACY_UNCHECKED_USERS_KEY) return itemKey("uncheckedUsers");
  if (hashKey.startsWith(LEGACY_ACCOUNT_SCAN_PREFIX)) {
    return hashKey === `${LEGACY_ACCOUNT_SCAN_PREFIX}${accountId}` ? itemKey("accountScan") : undefined;
  }
  if (hashKey.startsWith(ITEM_KINDS.tagNote) || hashKey.startsWith(ITEM_KINDS.enforcement)) return hashKey;
  return /^[A-Z0-9-]+$/.test(hashKey) ? itemKey("alert", hashKey) : undefined;
}

/**
 * The previous layout's items of `accountId`, as items of its partition (pure; the partition key is
 * the store's to add). Organization mode kept one table for every account: a key record is the
 * account's when it carries its `accountId`, the scan record when its key names it. A single-account
 * table's items carry no account: they are all the function's own. Anything else is left behind.
 */
export function legacyItemsOf(
  items: readonly Readonly<Record<string, unknown>>[],
  accountId: string,
  singleAccount: boolean,
): Record<string, unknown>[] {
  return items.flatMap((item) => {
    const hashKey = item[LEGACY_ALERT_STATE_HASH_KEY];
    const owner = item[ALERT_STATE_PARTITION_KEY];
    if (typeof hashKey !== "string") return [];
    const isScanRecord = hashKey.startsWith(LEGACY_ACCOUNT_SCAN_PREFIX);
    const ours = isScanRecord || (owner === undefined ? singleAccount : owner === accountId);
    const sortKey = ours ? sortKeyOfLegacy(hashKey, accountId) : undefined;
    if (sortKey === undefined) return [];
    const { [LEGACY_ALERT_STATE_HASH_KEY]: _hashKey, [ALERT_STATE_PARTITION_KEY]: _owner, ...attributes } = item;
    return [{ ...attributes, [ALERT_STATE_SORT_KEY]: sortKey }];
  });
}

/** The marker that the account's previous-layout items were carried over (no TTL: it must outlive them). */
export function migratedMarker(from: string, items: number, now: Date): Record<string, unknown> {
  return { [ALERT_STATE_SORT_KEY]: itemKey("migrated"), from, items, migratedAt: now.toISOString() };
}
