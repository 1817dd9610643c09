import { ConfigError } from "../runtime/config/config";
import { parseDuration } from "../runtime/duration";
import {
  DEFAULT_MEMBER_ROLE_NAME,
  isOrganizationalUnitId,
  isRoleName,
  parseAccountIds,
  type OrganizationScope,
} from "./organization-scope";

/** Organization mode's handler settings, read from the environment by the dispatcher and the worker. */
export interface OrganizationConfig extends OrganizationScope {
  /** `MEMBER_ROLE_NAME`: the role the worker assumes in each account. */
  readonly memberRoleName: string;
  /** `ORGANIZATION_ACCOUNTS`: a static list of accounts; no Organizations call. @default undefined */
  readonly staticAccounts?: readonly string[];
  /** `INCLUDE_OUS`: only accounts under these OUs (nested ones included). @default [] */
  readonly includeOrganizationalUnits: readonly string[];
  /** `EXCLUDE_OUS`: never accounts under these OUs. @default [] */
  readonly excludeOrganizationalUnits: readonly string[];
  /** `ACCOUNT_QUEUE_URL`: where the dispatcher sends one message per account. @default undefined (worker) */
  readonly accountQueueUrl?: string;
  /** `STALE_ACCOUNT_AFTER`: an account not scanned successfully for this long counts as stale. @default 24h */
  readonly staleAccountAfterMs: number;
}

/** The default of `STALE_ACCOUNT_AFTER`. */
export const DEFAULT_STALE_ACCOUNT_AFTER = "24h";

/** Organization-mode variables, in one place for the stack, the handler and the README. */
export const ORGANIZATION_VARIABLES = {
  memberRoleName: "MEMBER_ROLE_NAME",
  staticAccounts: "ORGANIZATION_ACCOUNTS",
  includeAccounts: "INCLUDE_ACCOUNTS",
  excludeAccounts: "EXCLUDE_ACCOUNTS",
  includeOrganizationalUnits: "INCLUDE_OUS",
  excludeOrganizationalUnits: "EXCLUDE_OUS",
  accountQueueUrl: "ACCOUNT_QUEUE_URL",
  staleAccountAfter: "STALE_ACCOUNT_AFTER",
} as const;

/**
 * Reads organization mode's variables; every problem is collected and thrown as one
 * {@link ConfigError} naming the variable and quoting the value.
 */
export function loadOrganizationConfig(env: Readonly<Record<string, string | undefined>>): OrganizationConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const ids = (name: string): string[] => {
    const text = read(name);
    if (text === undefined) return [];
    try {
      return parseAccountIds(text, name);
    } catch (error) {
      problems.push((error as Error).message);
      return [];
    }
  };
  const units = (name: string): string[] => {
    const list = (read(name) ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
    for (const unit of list) {
      if (!isOrganizationalUnitId(unit)) {
        problems.push(`${name}: ${JSON.stringify(unit)} is not an organizational unit id (ou-xxxx-xxxxxxxx or r-xxxx)`);
      }
    }
    return list;
  };
  const V = ORGANIZATION_VARIABLES;
  const memberRoleName = read(V.memberRoleName) ?? DEFAULT_MEMBER_ROLE_NAME;
  if (!isRoleName(memberRoleName)) {
    problems.push(`${V.memberRoleName}: ${JSON.stringify(memberRoleName)} is not an IAM role name`);
  }
  const staticText = read(V.staticAccounts);
  const staticAccounts = staticText === undefined ? undefined : ids(V.staticAccounts);
  const staleText = read(V.staleAccountAfter) ?? DEFAULT_STALE_ACCOUNT_AFTER;
  let staleAccountAfterMs = 0;
  try {
    staleAccountAfterMs = parseDuration(staleText);
  } catch (error) {
    problems.push(`${V.staleAccountAfter} ${JSON.stringify(staleText)}: ${(error as Error).message}`);
  }
  const config: OrganizationConfig = {
    memberRoleName,
    staleAccountAfterMs,
    ...(staticAccounts ? { staticAccounts } : {}),
    includeAccounts: ids(V.includeAccounts),
    excludeAccounts: ids(V.excludeAccounts),
    includeOrganizationalUnits: units(V.includeOrganizationalUnits),
    excludeOrganizationalUnits: units(V.excludeOrganizationalUnits),
    ...(read(V.accountQueueUrl) ? { accountQueueUrl: read(V.accountQueueUrl) } : {}),
  };
  if (
    staticAccounts &&
    (config.includeOrganizationalUnits.length > 0 || config.excludeOrganizationalUnits.length > 0)
  ) {
    problems.push(
      `${V.staticAccounts} cannot be combined with ${V.includeOrganizationalUnits}/${V.excludeOrganizationalUnits}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
