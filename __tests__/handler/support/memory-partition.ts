import {
  accountPartition,
  type AccountPartition,
  type AccountStateStore,
  type StateItem,
  type StateWrite,
} from "../../../handler/alerts/account-state-store";

/**
 * One account's partition over a state store in memory, for the stores' pure parts: how often the
 * store was read, and every write in order.
 */
export function memoryPartition(
  accountId: string,
  items: readonly Readonly<Record<string, unknown>>[],
): AccountPartition & { reads(): number; writes(): StateWrite[] } {
  let reads = 0;
  const writes: StateWrite[] = [];
  const store: AccountStateStore = {
    read: async (partition) => {
      reads += 1;
      return partition === accountId ? items.map((item): StateItem => ({ ...item, accountId })) : [];
    },
    write: async (_partition, changes) => {
      writes.push(...changes);
    },
  };
  return { ...accountPartition(store, accountId), reads: () => reads, writes: () => writes };
}
