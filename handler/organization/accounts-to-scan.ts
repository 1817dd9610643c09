import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ORGANIZATION_VARIABLES, type OrganizationConfig } from "./organization-config";
import { accountsInScope, unknownAccounts, type AccountsInScope, type UnknownAccounts } from "./organization-scope";
import { listAccountsUnder, listOrganizationAccounts } from "./organization-accounts";

/** Thrown when the scope names what the organization does not have, or leaves nothing to scan. */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScopeError";
  }
}

/** The accounts in scope, and the include and exclude ids that name no account. */
export interface ScopeOfRun extends AccountsInScope {
  readonly unknown: UnknownAccounts;
}

/**
 * The accounts in scope on this run: the static list, or the organization's accounts (under the
 * included OUs, when given) minus excluded accounts and OUs. Listed afresh every run, so an account
 * that joins is picked up without a redeploy. An OU that does not exist fails the run, naming it;
 * include and exclude ids that name no account are returned for the caller to name.
 */
export async function accountsToScan(config: OrganizationConfig, org: () => OrganizationsClient): Promise<ScopeOfRun> {
  const scope = { includeAccounts: config.includeAccounts ?? [], excludeAccounts: config.excludeAccounts ?? [] };
  if (config.staticAccounts) {
    const all = config.staticAccounts.map((id) => ({ id }));
    return { ...accountsInScope(all, scope), unknown: unknownAccounts(all, scope) };
  }
  const V = ORGANIZATION_VARIABLES;
  const all =
    config.includeOrganizationalUnits.length > 0
      ? await underUnits(org(), config.includeOrganizationalUnits, V.includeOrganizationalUnits)
      : await listOrganizationAccounts(org());
  const underExcluded =
    config.excludeOrganizationalUnits.length > 0
      ? (await underUnits(org(), config.excludeOrganizationalUnits, V.excludeOrganizationalUnits)).map((a) => a.id)
      : [];
  return {
    ...accountsInScope(all, { ...scope, excludeAccounts: [...scope.excludeAccounts, ...underExcluded] }),
    unknown: unknownAccounts(all, scope, config.includeOrganizationalUnits.length === 0),
  };
}

/** The accounts under these OUs; an OU Organizations does not know fails with the variable that names it. */
async function underUnits(org: OrganizationsClient, units: readonly string[], variable: string) {
  const accounts = [];
  for (const unit of units) {
    try {
      accounts.push(...(await listAccountsUnder(org, [unit])));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== "ParentNotFoundException" && name !== "OrganizationalUnitNotFoundException") throw error;
      throw new ScopeError(`${variable}: ${unit} is not an organizational unit or root of the organization`);
    }
  }
  return accounts;
}

/** The sentence naming include and exclude ids that name no account; undefined when there are none. */
export function describeUnknownAccounts(unknown: UnknownAccounts, listing: string): string | undefined {
  const V = ORGANIZATION_VARIABLES;
  const parts = [
    ...(unknown.include.length > 0 ? [`${V.includeAccounts} ${unknown.include.join(", ")}`] : []),
    ...(unknown.exclude.length > 0 ? [`${V.excludeAccounts} ${unknown.exclude.join(", ")}`] : []),
  ];
  return parts.length > 0 ? `${parts.join("; ")}: not among the ${listing}` : undefined;
}
