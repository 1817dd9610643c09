import type { AlertRecord, StateChange } from "./alert-transitions";

/**
 * One account's view of the shared alert-state table (organization mode): the records of that account
 * only, so a run in one account never "resolves" the keys of another; and every record it writes
 * carries the account, so a resolution can name it.
 */
export function recordsOfAccount(records: readonly AlertRecord[], accountId: string): AlertRecord[] {
  return records.filter((record) => record.accountId === accountId);
}

/** The changes with the account stamped on every record written. */
export function stampAccount(changes: readonly StateChange[], accountId: string): StateChange[] {
  return changes.map((change) =>
    change.type === "put" ? { type: "put", record: { ...change.record, accountId } } : change,
  );
}
