import {
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import type { OrganizationAccount } from "./organization-scope";

function toAccount(account: Account): OrganizationAccount | undefined {
  if (!account.Id) return undefined;
  // `State` replaces the deprecated `Status`; older APIs (and moto) may send only one of them.
  const state = account.State ?? account.Status;
  return { id: account.Id, ...(account.Name ? { name: account.Name } : {}), ...(state ? { state } : {}) };
}

/** Every account of the organization, all pages (`organizations:ListAccounts`). */
export async function listOrganizationAccounts(org: OrganizationsClient): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  for await (const page of paginateListAccounts({ client: org }, {})) {
    for (const account of page.Accounts ?? []) {
      const parsed = toAccount(account);
      if (parsed) accounts.push(parsed);
    }
  }
  return accounts;
}

/**
 * The accounts under each organizational unit, including its nested units
 * (`ListAccountsForParent` and `ListOrganizationalUnitsForParent`, all pages).
 */
export async function listAccountsUnder(
  org: OrganizationsClient,
  parentIds: readonly string[],
): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  const pending = [...parentIds];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const parentId = pending.shift() as string;
    if (visited.has(parentId)) continue;
    visited.add(parentId);
    for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parentId })) {
      for (const account of page.Accounts ?? []) {
        const parsed = toAccount(account);
        if (parsed) accounts.push(parsed);
      }
    }
    for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId })) {
      for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) pending.push(unit.Id);
    }
  }
  return accounts;
}
