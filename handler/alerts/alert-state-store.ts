import type { AlertRecord, AlertStatus, AnnouncementKind, OwnerDeliveryState, StateChange } from "./alert-transitions";
import { ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import { UNCHECKED_REMEMBERED_LIMIT } from "../scan/scan-budget";
import type { TagNoteChange, TagProblemNote } from "./tag-problem-notes";
import type { AccountPartition, StateWrite } from "./account-state-store";
import { idOf, itemKey } from "./state-keys";

export { AlertStateError } from "./alert-state-error";

/** One account's alert state for one run: the only I/O of the stateful path besides scan and Slack. */
export interface AlertStateStore {
  /** The account's key records. */
  load(): Promise<AlertRecord[]>;
  /** Writes the changes (after Slack accepted the announcements they belong to). */
  apply(changes: readonly StateChange[]): Promise<void>;
  /** The users the last run could not check before its time ran out, to check first. */
  loadUncheckedUsers(): Promise<string[]>;
  /** Remembers the users this run could not check (at most UNCHECKED_REMEMBERED_LIMIT); none clears the item. */
  saveUncheckedUsers(users: readonly string[], now: Date): Promise<void>;
  /** The announced tag problems (`tag-problems#<user>` items of the account). */
  loadTagNotes(): Promise<TagProblemNote[]>;
  /** Writes tag-problem notes (after Slack accepted the message that named them). */
  applyTagNotes(changes: readonly TagNoteChange[]): Promise<void>;
}

/** The unchecked-users item expires after a week without runs, like any stale resume point. */
const UNCHECKED_USERS_TTL_MS = 7 * 86_400_000;

const STATUSES: readonly AlertStatus[] = ["exposed", "critical", "warning", "unused"];

/**
 * The alert state of one account, on its partition of the state table (see state-keys.ts): key
 * records, tag notes and the unchecked users all come from the partition's one read. Items that do
 * not parse (hand-edited, or from a future version) are ignored, which at worst re-announces a key.
 */
export function accountAlertState(partition: AccountPartition): AlertStateStore {
  const parsed =
    <T>(parse: (item: Readonly<Record<string, unknown>>) => T | undefined) =>
    async () =>
      (await partition.items()).flatMap((item) => {
        const value = parse(item);
        return value === undefined ? [] : [value];
      });
  return {
    load: parsed(fromItem),
    loadTagNotes: parsed(tagNoteFromItem),
    async loadUncheckedUsers() {
      return (await parsed(uncheckedUsersFromItem)())[0] ?? [];
    },
    apply: (changes) =>
      partition.write(
        changes.map(
          (change): StateWrite =>
            change.type === "put"
              ? { type: "put", item: toItem(change.record) }
              : { type: "delete", itemKey: itemKey("alert", change.accessKeyId) },
        ),
      ),
    applyTagNotes: (changes) =>
      partition.write(
        changes.map(
          (change): StateWrite =>
            change.type === "put"
              ? { type: "put", item: tagNoteToItem(change.note) }
              : { type: "delete", itemKey: itemKey("tagNote", change.userName) },
        ),
      ),
    saveUncheckedUsers: (users, now) =>
      partition.write([
        users.length === 0
          ? { type: "delete", itemKey: itemKey("uncheckedUsers") }
          : { type: "put", item: uncheckedUsersToItem(users, now) },
      ]),
  };
}

/** The item of a key record (without the partition key, which is the account's). */
export function toItem(record: AlertRecord): Record<string, string | number | OwnerDeliveryState> {
  return {
    [ALERT_STATE_SORT_KEY]: itemKey("alert", record.accessKeyId),
    userName: record.userName,
    status: record.status,
    announcedAt: record.announcedAt.toISOString(),
    since: record.since.toISOString(),
    ...(record.eventId !== undefined ? { eventId: record.eventId } : {}),
    ...(record.owners !== undefined ? { owners: record.owners } : {}),
    ...(record.exposedByEvent ? { exposedByEvent: 1 } : {}),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(record.expiresAt.getTime() / 1000),
  };
}

/** The record of a key-record item; undefined for items of other kinds and items that do not parse. */
export function fromItem(item: Readonly<Record<string, unknown>>): AlertRecord | undefined {
  const { userName, status, eventId } = item;
  const accessKeyId = idOf(item, "alert");
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  const announcedAt = new Date(String(item.announcedAt));
  const since = new Date(String(item.since));
  if (accessKeyId === undefined || typeof userName !== "string") return undefined;
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

/** The item of a tag-problem note. */
export function tagNoteToItem(note: TagProblemNote): Record<string, string | number> {
  return {
    [ALERT_STATE_SORT_KEY]: itemKey("tagNote", note.userName),
    userName: note.userName,
    problems: note.problems,
    announcedAt: note.announcedAt.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor(note.expiresAt.getTime() / 1000),
  };
}

/** The tag-problem note of an item; undefined for items of other kinds and items that do not parse. */
export function tagNoteFromItem(item: Readonly<Record<string, unknown>>): TagProblemNote | undefined {
  const { userName, problems } = item;
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  const announcedAt = new Date(String(item.announcedAt));
  if (idOf(item, "tagNote") === undefined) return undefined;
  if (typeof userName !== "string" || typeof problems !== "string" || Number.isNaN(announcedAt.getTime())) {
    return undefined;
  }
  if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) return undefined;
  return { userName, problems, announcedAt, expiresAt: new Date(expiresAt * 1000) };
}

/** The item of the users a run left unchecked: the first UNCHECKED_REMEMBERED_LIMIT, for a week. */
export function uncheckedUsersToItem(users: readonly string[], now: Date): Record<string, unknown> {
  return {
    [ALERT_STATE_SORT_KEY]: itemKey("uncheckedUsers"),
    users: users.slice(0, UNCHECKED_REMEMBERED_LIMIT),
    recordedAt: now.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor((now.getTime() + UNCHECKED_USERS_TTL_MS) / 1000),
  };
}

/** The unchecked users of their item; undefined for items of other kinds. */
export function uncheckedUsersFromItem(item: Readonly<Record<string, unknown>>): string[] | undefined {
  if (idOf(item, "uncheckedUsers") === undefined) return undefined;
  const users = item.users;
  return Array.isArray(users) ? users.filter((user): user is string => typeof user === "string") : [];
}
