import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ALERT_STATE_SORT_KEY } from "../runtime/aws-contract";
import { createAccountStateStore, type StateWrite } from "../alerts/account-state-store";
import { idOf, itemKey, ITEM_KINDS, ORGANIZATION_PARTITION } from "../alerts/state-keys";
import { dispatchChunks, entriesOfChunk, type DispatchEntry } from "./dispatch-record";

/** The dispatcher's record of the accounts it queued: `dispatch#<n>` items of the organization's partition. */
export interface DispatchStore {
  /** Every entry, from one Query of the organization's partition. */
  load(): Promise<DispatchEntry[]>;
  /** Replaces the entries (and drops chunks no longer needed). */
  save(entries: readonly DispatchEntry[]): Promise<void>;
}

/** The store over the state table; the dispatcher's policy lets it write only this partition. */
export function createDispatchStore(client: DynamoDBDocumentClient, tableName: string): DispatchStore {
  const table = createAccountStateStore({ client, tableName });
  let chunksRead = 0;
  return {
    async load() {
      const chunks = (await table.read(ORGANIZATION_PARTITION)).filter((item) => idOf(item, "dispatch") !== undefined);
      chunksRead = chunks.length;
      return chunks.flatMap((item) => entriesOfChunk(item.accounts));
    },
    async save(entries) {
      const chunks = dispatchChunks(entries);
      const writes: StateWrite[] = chunks.map((accounts, index) => ({
        type: "put",
        item: { [ALERT_STATE_SORT_KEY]: itemKey("dispatch", String(index)), accounts },
      }));
      for (let index = chunks.length; index < chunksRead; index += 1) {
        writes.push({ type: "delete", itemKey: `${ITEM_KINDS.dispatch}${index}` });
      }
      await table.write(ORGANIZATION_PARTITION, writes);
    },
  };
}
