import { ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import {
  ENFORCEMENT_STRETCH_ITEM_KEY,
  type EnforcementRecord,
  type EnforcementState,
  type EnforcementStretch,
} from "./enforcement-record";
import type { AccountPartition } from "../alerts/account-state-store";
import { idOf, itemKey, itemKeyOf } from "../alerts/state-keys";
import { parseEnforcementMode } from "./enforcement-mode";

/** Reads and writes the enforcement records kept in the account's partition of the state table. */
export interface EnforcementStateStore {
  /** The account's enforcement records, and its stretch. */
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
  /** The account's partition of the state table, read once per run for every kind of item. */
  readonly partition: AccountPartition;
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
 * The enforcement records, one item per key beside the key records of the account's partition, under
 * the sort key `enforcement#<key id>`, and the account's stretch under `enforcement#~stretch` (see
 * state-keys.ts); they come from the run's one read.
 */
export function createEnforcementStateStore(options: EnforcementStateStoreOptions): EnforcementStateStore {
  const { partition } = options;
  const loadStretch = async (): Promise<EnforcementStretch | undefined> => {
    const item = (await partition.items()).find((candidate) => itemKeyOf(candidate) === ENFORCEMENT_STRETCH_ITEM_KEY);
    return item ? stretchFromItem(item) : undefined;
  };
  return {
    async load() {
      const records = (await partition.items()).flatMap((item) => {
        const record = enforcementFromItem(item);
        return record ? [record] : [];
      });
      const stretch = await loadStretch();
      return { records, ...(stretch ? { stretch } : {}) };
    },
    async put(records) {
      const writes = records.map((record) => ({ type: "put" as const, item: enforcementToItem(record) }));
      if (writes.length > 8) return partition.write(writes);
      // One at a time: the first failure stops the rest, so nothing is written past a failure unseen.
      for (const write of writes) await partition.write([write]);
    },
    putStretch: (stretch) => partition.write([{ type: "put", item: stretchToItem(stretch) }]),
    async markOff(now) {
      // The condition on the run's one read of the partition (the account's lease keeps other runs
      // out): only a stretch that exists and is not off yet is marked.
      const stretch = await loadStretch();
      if (!stretch || stretch.mode === "off") return;
      await partition.write([{ type: "put", item: stretchToItem({ mode: "off", since: now, lastRunAt: now }) }]);
    },
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
  const accessKeyId = idOf(item, "enforcement");
  const expiresAt = item[ALERT_STATE_TTL_ATTRIBUTE];
  // The stretch shares the prefix; `~` never occurs in a key id.
  if (accessKeyId === undefined || itemKeyOf(item) === ENFORCEMENT_STRETCH_ITEM_KEY) return undefined;
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
    accessKeyId,
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
    [ALERT_STATE_SORT_KEY]: ENFORCEMENT_STRETCH_ITEM_KEY,
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
