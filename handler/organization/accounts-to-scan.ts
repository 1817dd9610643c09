import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { OrganizationConfig } from "./organization-config";
import { accountsInScope, type AccountsInScope } from "./organization-scope";
import { listAccountsUnder, listOrganizationAccounts } from "./organization-accounts";

/**
 * The accounts in scope on this run: the static list, or the organization's accounts (under the
 * included OUs, when given) minus excluded accounts and OUs. Listed afresh every run, so an account
 * that joins is picked up without a redeploy.
 */
export async function accountsToScan(
  config: OrganizationConfig,
  org: () => OrganizationsClient,
): Promise<AccountsInScope> {
  if (config.staticAccounts) {
    return accountsInScope(
      config.staticAccounts.map((id) => ({ id })),
      config,
    );
  }
  const all =
    config.includeOrganizationalUnits.length > 0
      ? await listAccountsUnder(org(), config.includeOrganizationalUnits)
      : await listOrganizationAccounts(org());
  const underExcluded =
    config.excludeOrganizationalUnits.length > 0
      ? (await listAccountsUnder(org(), config.excludeOrganizationalUnits)).map((account) => account.id)
      : [];
  return accountsInScope(all, {
    includeAccounts: config.includeAccounts ?? [],
    excludeAccounts: [...(config.excludeAccounts ?? []), ...underExcluded],
  });
}
