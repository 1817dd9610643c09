import { ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import type { EnforcementRecord } from "./enforcement-record";
import type { AccountPartition } from "../alerts/account-state-store";
import { idOf, itemKey } from "../alerts/state-keys";

/** Reads and writes the enforcement records kept in the account's partition of the state table. */
export interface EnforcementStateStore {
  /** The account's enforcement records. */
  load(): Promise<EnforcementRecord[]>;
  /** Writes the records (each replaces the key's previous one). */
  put(records: readonly EnforcementRecord[]): Promise<void>;
}

/** Options of {@link createEnforcementStateStore}. */
export interface EnforcementStateStoreOptions {
  /** The account's partition of the state table, read once per run for every kind of item. */
  readonly partition: AccountPartition;
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
 * The enforcement records, one item per key beside the key records of the account's partition, under
 * the sort key `enforcement#<key id>` (see state-keys.ts); they come from the run's one read.
 */
export function createEnforcementStateStore(options: EnforcementStateStoreOptions): EnforcementStateStore {
  const { partition } = options;
  return {
    async load() {
      return (await partition.items()).flatMap((item) => {
        const record = enforcementFromItem(item);
        return record ? [record] : [];
      });
    },
    put: (records) => partition.write(records.map((record) => ({ type: "put", item: enforcementToItem(record) }))),
  };
}

/** The table item of an enforcement record. */
export function enforcementToItem(record: EnforcementRecord): Record<string, string | number | boolean> {
  const item: Record<string, string | number | boolean> = {
    [ALERT_STATE_SORT_KEY]: itemKey("enforcement", record.accessKeyId),
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
  const accessKeyId = idOf(item, "enforcement");
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  if (accessKeyId === undefined) return undefined;
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
    accessKeyId,
    userName: item.userName,
    reactivations: typeof item.reactivations === "number" ? item.reactivations : 0,
    expiresAt: new Date(expiresAt * 1000),
    ...dates,
    ...(mode === "armed" || mode === "dry-run" ? { noticeMode: mode } : {}),
    ...(typeof item.deactivationAnnounced === "boolean" ? { deactivationAnnounced: item.deactivationAnnounced } : {}),
  };
}
