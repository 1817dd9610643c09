/**
 * Organization mode, the pure part: which accounts are in scope and which role to assume in each.
 * Shared by the CLI's `--organization`, the dispatcher, the worker and the member-role module.
 */

/** The member role's name when none is configured: the CLI's `--role-name` and the module agree on it. */
export const DEFAULT_MEMBER_ROLE_NAME = "key-age-member-reader";

/** One account as Organizations (or a static list) describes it. */
export interface OrganizationAccount {
  /** The 12-digit account id. */
  readonly id: string;
  /** The account's name in Organizations. @default undefined: a static list has no names */
  readonly name?: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`… @default "ACTIVE" */
  readonly state?: string;
}

/** Which accounts to scan. Every list is of ids; empty lists mean "no filter". */
export interface OrganizationScope {
  /** Scan only these accounts. @default [] */
  readonly includeAccounts?: readonly string[];
  /** Never scan these accounts (wins over every include). @default [] */
  readonly excludeAccounts?: readonly string[];
}

/** The accounts to scan and how many were left out, by reason. */
export interface AccountsInScope {
  readonly accounts: readonly OrganizationAccount[];
  /** Accounts skipped because they are suspended, closing or closed. */
  readonly inactive: readonly OrganizationAccount[];
  /** Active accounts the include/exclude lists left out. */
  readonly filteredOut: number;
}

const ACCOUNT_ID = /^\d{12}$/;

/** True for a 12-digit AWS account id. */
export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** True for an organizational unit id such as `ou-ab12-cd34ef56` (or a root id `r-ab12`). */
export function isOrganizationalUnitId(text: string): boolean {
  return /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/.test(text);
}

/**
 * Parses a comma-separated list of account ids. Throws an error that names `setting` and quotes the
 * offending entry; duplicates are dropped.
 */
export function parseAccountIds(text: string, setting: string): string[] {
  const ids = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  for (const id of ids) {
    if (!isAccountId(id)) throw new Error(`${setting}: ${JSON.stringify(id)} is not a 12-digit AWS account id`);
  }
  return [...new Set(ids)];
}

/** An IAM role name: 1–64 of the characters IAM allows. */
export function isRoleName(text: string): boolean {
  return /^[\w+=,.@-]{1,64}$/.test(text);
}

/** The ARN of the member role in `accountId`. */
export function memberRoleArn(accountId: string, roleName: string, partition = "aws"): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** True unless the account is suspended, closing or closed (a static list's accounts are active). */
export function isActiveAccount(account: OrganizationAccount): boolean {
  return account.state === undefined || account.state === "ACTIVE";
}

/**
 * The accounts to scan: active ones, within the include list (when given) and outside the exclude
 * list. Suspended and closed accounts are returned apart so the caller can count them.
 */
export function accountsInScope(all: readonly OrganizationAccount[], scope: OrganizationScope): AccountsInScope {
  const include = new Set(scope.includeAccounts ?? []);
  const exclude = new Set(scope.excludeAccounts ?? []);
  const accounts: OrganizationAccount[] = [];
  const inactive: OrganizationAccount[] = [];
  let filteredOut = 0;
  const seen = new Set<string>();
  for (const account of all) {
    if (seen.has(account.id)) continue;
    seen.add(account.id);
    if (!isActiveAccount(account)) inactive.push(account);
    else if (exclude.has(account.id) || (include.size > 0 && !include.has(account.id))) filteredOut += 1;
    else accounts.push(account);
  }
  return { accounts, inactive, filteredOut };
}

/** Ids of the include and exclude lists that are not among the accounts listed. */
export interface UnknownAccounts {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/**
 * The include and exclude ids that name no account of `all` (pure): a typo in an include list would
 * scan nothing of what was meant, one in an exclude list would scan what was meant to be left out.
 * `checkExcludes` is false when `all` is not the whole organization (accounts under included OUs): an
 * excluded account outside them is simply out of scope.
 */
export function unknownAccounts(
  all: readonly OrganizationAccount[],
  scope: OrganizationScope,
  checkExcludes = true,
): UnknownAccounts {
  const known = new Set(all.map((account) => account.id));
  return {
    include: (scope.includeAccounts ?? []).filter((id) => !known.has(id)),
    exclude: checkExcludes ? (scope.excludeAccounts ?? []).filter((id) => !known.has(id)) : [],
  };
}

/** How an account is named in messages: `111122223333 (prod-payments)`, or the id alone. */
export function accountLabel(account: OrganizationAccount): string {
  return account.name ? `${account.id} (${account.name})` : account.id;
}
