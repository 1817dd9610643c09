import type { AccessKeyRecord, AccessKeyInventory } from "../../../handler/scan/inventory";

/** Fixed clock for pure tests. */
export const NOW = new Date("2025-06-01T12:00:00.000Z");

/** Milliseconds per minute and per day. */
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A date `ms` before {@link NOW}. */
export function ago(ms: number): Date {
  return new Date(NOW.getTime() - ms);
}

/** A 20-character key id ending in the given number, like IAM's. */
export function keyId(n: number): string {
  return `AKIA${String(n).padStart(16, "0")}`;
}

/** An active key of the given age, optionally used `lastUsedMs` ago. */
export function activeKey(n: number, ageMs: number, lastUsedMs?: number): AccessKeyRecord {
  return {
    accessKeyId: keyId(n),
    state: "Active",
    createDate: ago(ageMs),
    ...(lastUsedMs !== undefined ? { lastUsedDate: ago(lastUsedMs), lastUsedService: "s3" } : {}),
  };
}

/** An inventory with one user per key, named user-0001… */
export function inventoryOf(keys: readonly AccessKeyRecord[]): AccessKeyInventory {
  return {
    users: keys.map((key, index) => ({ userName: `user-${String(index + 1).padStart(4, "0")}`, accessKeys: [key] })),
  };
}
