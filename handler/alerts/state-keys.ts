import { ALERT_STATE_PARTITION_KEY, ALERT_STATE_SORT_KEY, ORGANIZATION_PARTITION } from "../runtime/aws-contract";

/**
 * The state table's key layout, in one place: every item lives in the partition of its account
 * (`accountId`, the 12-digit id; the dispatcher's items in {@link ORGANIZATION_PARTITION}), and its
 * sort key (`itemKey`) starts with its kind. One account's run reads its partition with one Query and
 * gets every kind at once; it never reads another account's items, so its cost does not grow with
 * the organization.
 */
export const ITEM_KINDS = {
  /** One per announced access key: `key#AKIA…` (see alert-transitions.ts). */
  alert: "key#",
  /** One per user whose tag problems were announced: `tag-problems#<user>`. */
  tagNote: "tag-problems#",
  /** One per key with an enforcement notice or deactivation: `enforcement#AKIA…`. */
  enforcement: "enforcement#",
  /** The users the last run could not check (one item). */
  uncheckedUsers: "unchecked-users",
  /** Organization mode: the account's scan record, its last attempt and success (one item). */
  accountScan: "scan",
  /** The run holding the account right now, until when (one item, written with a condition). */
  lease: "lease",
  /** Present once the account's items of the previous layout were carried over (one item, no TTL). */
  migrated: "migrated",
  /** `KEY_USAGE=on`: a key's cached one-line usage summary and when it was fetched: `usage#AKIA…`. */
  usage: "usage#",
  /** The dispatcher's record of the accounts it queued, in chunks: `dispatch#0`, `dispatch#1`, … */
  dispatch: "dispatch#",
} as const;

/** The kind of a state item. */
export type ItemKind = keyof typeof ITEM_KINDS;

export { ORGANIZATION_PARTITION };

/** The sort key of an item: its kind's prefix, then its id (kinds of one item per account have none). */
export function itemKey(kind: ItemKind, id = ""): string {
  return `${ITEM_KINDS[kind]}${id}`;
}

/** The full key of an item: partition and sort key. */
export function stateKey(partition: string, sortKey: string): Record<string, string> {
  return { [ALERT_STATE_PARTITION_KEY]: partition, [ALERT_STATE_SORT_KEY]: sortKey };
}

/** The sort key of a state item; undefined when it has none (not a state item). */
export function itemKeyOf(item: Readonly<Record<string, unknown>>): string | undefined {
  const key = item[ALERT_STATE_SORT_KEY];
  return typeof key === "string" ? key : undefined;
}

/**
 * The id of an item of `kind` (the part after the prefix), or undefined when the item is of another
 * kind. For kinds with one item per account the id is "".
 */
export function idOf(item: Readonly<Record<string, unknown>>, kind: ItemKind): string | undefined {
  const key = itemKeyOf(item);
  const prefix = ITEM_KINDS[kind];
  if (key === undefined) return undefined;
  if (prefix.endsWith("#"))
    return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined;
  return key === prefix ? "" : undefined;
}

/** The items of one kind. */
export function itemsOfKind<T extends Readonly<Record<string, unknown>>>(items: readonly T[], kind: ItemKind): T[] {
  return items.filter((item) => idOf(item, kind) !== undefined);
}
