import type { AccountPartition } from "../alerts/account-state-store";
import { accountAlertState } from "../alerts/alert-state-store";
import type { RunMonitorDeps } from "./run-monitor-deps";

/**
 * The stateful parts of one account's run, all on the account's partition of the state table and all
 * from its one read: the key records, the tag-problem notes and the users the last run left unchecked.
 * The same for the single-account function and for each account of an organization.
 */
export function accountStateDeps(
  partition: AccountPartition,
): Required<Pick<RunMonitorDeps, "alertState" | "uncheckedUsers">> {
  const state = accountAlertState(partition);
  return {
    alertState: {
      load: () => state.load(),
      apply: (changes) => state.apply(changes),
      loadTagNotes: () => state.loadTagNotes(),
      applyTagNotes: (changes) => state.applyTagNotes(changes),
    },
    uncheckedUsers: {
      load: () => state.loadUncheckedUsers(),
      save: (users, now) => state.saveUncheckedUsers(users, now),
    },
  };
}
