import type { AccountPartition, StateItem, StateWrite } from "../../../handler/alerts/account-state-store";
import {
  createEnforcementStateStore,
  enforcementFromItem,
  enforcementToItem,
  stretchFromItem,
  stretchToItem,
} from "../../../handler/enforcement/enforcement-state-store";
import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import { DAY, NOW, ago, keyId } from "../support/inventory-builders";

const RECORD: EnforcementRecord = {
  accessKeyId: keyId(1),
  userName: "alice",
  noticeAt: ago(8 * DAY),
  noticeMode: "armed",
  deactivateOn: ago(DAY),
  noticeAgeMs: 120 * DAY,
  noticePeriodMs: 7 * DAY,
  lapseReason: "the key was exempt",
  intentAt: ago(60_000),
  lastDeactivatedAt: ago(2 * DAY),
  inactiveSeenAt: ago(3 * DAY),
  reactivatedAt: ago(DAY / 2),
  reactivations: 1,
  expiresAt: new Date(Math.floor(NOW.getTime() / 1000) * 1000 + 400 * DAY),
};

describe("the enforcement state's items", () => {
  test("a record survives the round trip through its item, every field included", () => {
    expect(enforcementFromItem(enforcementToItem(RECORD))).toEqual(RECORD);
  });

  test("the stretch has its own item, which no record parse mistakes for a key", () => {
    const stretch = { mode: "armed" as const, since: ago(DAY), lastRunAt: NOW };
    const item = stretchToItem(stretch);
    expect(item.itemKey).toBe("enforcement#~stretch");
    expect(stretchFromItem(item)).toEqual(stretch);
    expect(stretchFromItem({ ...item, mode: "armed " })).toBeUndefined();
    expect(enforcementFromItem(item)).toBeUndefined();
  });
});

/** A partition holding `items`, recording the writes. */
function partitionWith(items: StateItem[]): AccountPartition & { writes: StateWrite[][]; reads: number } {
  const partition = {
    accountId: "111111111111",
    writes: [] as StateWrite[][],
    reads: 0,
    items: async () => {
      partition.reads += 1;
      return items;
    },
    write: async (writes: readonly StateWrite[]) => {
      partition.writes.push([...writes]);
    },
  };
  return partition;
}

describe("createEnforcementStateStore", () => {
  test("loads the records and the stretch from the partition's items", async () => {
    const stretch = { mode: "dry-run" as const, since: ago(DAY), lastRunAt: NOW };
    const partition = partitionWith([enforcementToItem(RECORD), stretchToItem(stretch), { itemKey: "key#AKIA1" }]);
    expect(await createEnforcementStateStore({ partition }).load()).toEqual({ records: [RECORD], stretch });
  });

  test("marks enforcement off only where a stretch exists and is not off already", async () => {
    const none = partitionWith([enforcementToItem(RECORD)]);
    await createEnforcementStateStore({ partition: none }).markOff(NOW);
    expect(none.writes).toEqual([]);

    const off = partitionWith([stretchToItem({ mode: "off", since: ago(DAY), lastRunAt: ago(DAY) })]);
    await createEnforcementStateStore({ partition: off }).markOff(NOW);
    expect(off.writes).toEqual([]);

    const armed = partitionWith([stretchToItem({ mode: "armed", since: ago(DAY), lastRunAt: ago(DAY) })]);
    await createEnforcementStateStore({ partition: armed }).markOff(NOW);
    expect(armed.writes).toEqual([
      [{ type: "put", item: expect.objectContaining({ itemKey: "enforcement#~stretch", mode: "off" }) }],
    ]);
  });

  test("writes a few records one at a time, so a failure stops the rest", async () => {
    const partition = partitionWith([]);
    await createEnforcementStateStore({ partition }).put([RECORD, { ...RECORD, accessKeyId: keyId(2) }]);
    expect(partition.writes.map((writes) => writes.length)).toEqual([1, 1]);
  });
});
