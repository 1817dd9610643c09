import { ORGANIZATION_VARIABLES } from "../handler/organization/organization-config";

/** An environment's organization mode: one deployment scans many accounts through a member role. */
export interface OrganizationSettings {
  /** The member role's name in every account (`MEMBER_ROLE_NAME`). @default "key-age-member-reader" */
  readonly memberRoleName?: string;
  /**
   * A static list of account ids to scan (`ORGANIZATION_ACCOUNTS`), for teams without Organizations
   * access: the dispatcher then makes no Organizations call. @default every account of the organization
   */
  readonly accounts?: readonly string[];
  /** Scan only these accounts (`INCLUDE_ACCOUNTS`). @default [] (no filter) */
  readonly includeAccounts?: readonly string[];
  /** Never scan these accounts (`EXCLUDE_ACCOUNTS`); wins over every include. @default [] */
  readonly excludeAccounts?: readonly string[];
  /** Scan only accounts under these OUs or roots, nested OUs included (`INCLUDE_OUS`). @default [] */
  readonly includeOrganizationalUnits?: readonly string[];
  /** Never scan accounts under these OUs (`EXCLUDE_OUS`). @default [] */
  readonly excludeOrganizationalUnits?: readonly string[];
  /**
   * The organization's id (`o-…`): the member role then trusts the worker's role only from inside
   * this organization (`aws:PrincipalOrgID`). @default no organization condition
   */
  readonly organizationId?: string;
  /** Worker invocations at once (the event source mapping's maximum concurrency, 2–1000). @default 5 */
  readonly workerMaxConcurrency?: number;
  /**
   * `STALE_ACCOUNT_AFTER`: an account in scope not scanned successfully for this long raises the
   * stale-accounts alarm (with `alertState`). @default "24h"
   */
  readonly staleAccountAfter?: string;
  /** Receives of an account message before it goes to the dead-letter queue (1–10). @default 3 */
  readonly maxReceiveCount?: number;
  /**
   * Put the member role into every account under these OUs or roots with a service-managed
   * CloudFormation StackSet (auto-deployment: accounts joining later get it too). Deploy this
   * environment from the management account or a delegated administrator for StackSets.
   * @default no StackSet: the member role is deployed another way (see the README)
   */
  readonly memberRoleStackSet?: {
    /** OU or root ids to deploy to (`r-…` for the whole organization). */
    readonly organizationalUnits: readonly string[];
    /** `SELF` from the management account, `DELEGATED_ADMIN` from a delegated administrator. @default "SELF" */
    readonly callAs?: "SELF" | "DELEGATED_ADMIN";
  };
  /**
   * Also create the member role in the account this stack deploys to, so that account is scanned like
   * the others: a service-managed StackSet never reaches the management account.
   * @default true with `memberRoleStackSet` called as `SELF` (from the management account), else false
   */
  readonly memberRoleInThisAccount?: boolean;
}

/** Defaults of {@link OrganizationSettings}, one place for the stack and the README. */
export const ORGANIZATION_DEFAULTS = {
  workerMaxConcurrency: 5,
  maxReceiveCount: 3,
} as const;

/** The organization-mode variables of the handler (dispatcher and worker) for these settings. */
export function organizationEnvironment(settings: OrganizationSettings): Record<string, string> {
  const variables: Record<string, string> = {};
  const list = (name: string, values: readonly string[] | undefined) => {
    if (values !== undefined && values.length > 0) variables[name] = values.join(",");
  };
  if (settings.memberRoleName !== undefined) variables[ORGANIZATION_VARIABLES.memberRoleName] = settings.memberRoleName;
  list(ORGANIZATION_VARIABLES.staticAccounts, settings.accounts);
  list(ORGANIZATION_VARIABLES.includeAccounts, settings.includeAccounts);
  list(ORGANIZATION_VARIABLES.excludeAccounts, settings.excludeAccounts);
  list(ORGANIZATION_VARIABLES.includeOrganizationalUnits, settings.includeOrganizationalUnits);
  list(ORGANIZATION_VARIABLES.excludeOrganizationalUnits, settings.excludeOrganizationalUnits);
  if (settings.staleAccountAfter !== undefined) {
    variables[ORGANIZATION_VARIABLES.staleAccountAfter] = settings.staleAccountAfter;
  }
  return variables;
}

/** Whether the stack creates the member role in its own account (see `memberRoleInThisAccount`). */
export function memberRoleInThisAccount(settings: OrganizationSettings): boolean {
  return (
    settings.memberRoleInThisAccount ??
    (settings.memberRoleStackSet !== undefined && (settings.memberRoleStackSet.callAs ?? "SELF") === "SELF")
  );
}
