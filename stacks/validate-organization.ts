import { parseDuration } from "../handler/runtime/duration";
import { quoteSetting } from "../handler/runtime/mask";
import { parseEnforcementMode } from "../handler/enforcement/enforcement-mode";
import { isAccountId, isOrganizationalUnitId, isRoleName } from "../handler/organization/organization-scope";
import type { OrganizationSettings } from "./organization-settings";

const FIELDS = {
  memberRoleName: true,
  accounts: true,
  includeAccounts: true,
  excludeAccounts: true,
  includeOrganizationalUnits: true,
  excludeOrganizationalUnits: true,
  organizationId: true,
  workerMaxConcurrency: true,
  maxReceiveCount: true,
  memberRoleStackSet: true,
  memberRoleInThisAccount: true,
  staleAccountAfter: true,
} as const satisfies Record<keyof OrganizationSettings, true>;

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

function show(value: unknown): string {
  return typeof value === "string" ? quoteSetting(value) : (JSON.stringify(value) ?? String(value));
}

/** Problems of an environment's `organization` setting, each naming the field and the value. */
export function organizationProblems(
  where: string,
  organization: OrganizationSettings | undefined,
  enforcement: string | undefined,
  keyUsage?: unknown,
): string[] {
  if (organization === undefined) return [];
  const problems: string[] = [];
  const mode = parseEnforcementMode(enforcement);
  if (mode === "dry-run" || mode === "armed") {
    // The member role is read-only: deactivation in member accounts is not part of organization mode.
    problems.push(
      `${where}: field "enforcement" (${show(enforcement)}) is not available with "organization": the member role only reads`,
    );
  }
  if (keyUsage === true) {
    // The worker would have to read CloudTrail through each member role, which grants no CloudTrail
    // action: the usage summary is a single-account feature for now.
    problems.push(
      `${where}: field "keyUsage" (true) is not available with "organization": the member role does not read CloudTrail; ` +
        "set it on a single-account environment of the member account instead",
    );
  }
  const at = `${where}: field "organization`;
  if (typeof organization !== "object" || organization === null || Array.isArray(organization)) {
    return [`${at}" has invalid value ${show(organization)} (expected an object)`];
  }
  for (const field of Object.keys(organization)) {
    if (!Object.prototype.hasOwnProperty.call(FIELDS, field))
      problems.push(`${where}: unknown field "organization.${field}"`);
  }
  const list = (field: keyof OrganizationSettings, ok: (text: string) => boolean, expected: string) => {
    const value = organization[field];
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      problems.push(`${at}.${field}" has invalid value ${show(value)} (expected a list of ${expected})`);
      return;
    }
    for (const entry of value) {
      if (typeof entry !== "string" || !ok(entry)) {
        problems.push(`${at}.${field}" has invalid entry ${show(entry)} (expected ${expected})`);
      }
    }
  };
  const accountIds = "12-digit account ids";
  const unitIds = "organizational unit ids ou-xxxx-xxxxxxxx or root ids r-xxxx";
  list("accounts", isAccountId, accountIds);
  list("includeAccounts", isAccountId, accountIds);
  list("excludeAccounts", isAccountId, accountIds);
  list("includeOrganizationalUnits", isOrganizationalUnitId, unitIds);
  list("excludeOrganizationalUnits", isOrganizationalUnitId, unitIds);
  if (organization.accounts !== undefined && organization.accounts.length === 0) {
    problems.push(`${at}.accounts" is empty (leave it out to scan the whole organization)`);
  }
  if (
    organization.accounts !== undefined &&
    (organization.includeOrganizationalUnits !== undefined || organization.excludeOrganizationalUnits !== undefined)
  ) {
    problems.push(`${at}.accounts" cannot be combined with organizational unit filters: a static list has no OUs`);
  }
  const role = organization.memberRoleName;
  if (role !== undefined && (typeof role !== "string" || !isRoleName(role))) {
    problems.push(
      `${at}.memberRoleName" has invalid value ${show(role)} (expected an IAM role name, 1-64 of A-Z a-z 0-9 +=,.@_-)`,
    );
  }
  const orgId = organization.organizationId;
  if (orgId !== undefined && (typeof orgId !== "string" || !ORGANIZATION_ID.test(orgId))) {
    problems.push(
      `${at}.organizationId" has invalid value ${show(orgId)} (expected an organization id such as o-a1b2c3d4e5)`,
    );
  }
  const whole = (field: "workerMaxConcurrency" | "maxReceiveCount", min: number, max: number) => {
    const value = organization[field];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${at}.${field}" has invalid value ${show(value)} (expected a whole number from ${min} to ${max})`);
    }
  };
  // The event source mapping's maximum concurrency accepts 2-1000.
  whole("workerMaxConcurrency", 2, 1000);
  whole("maxReceiveCount", 1, 10);
  const stale = organization.staleAccountAfter;
  if (stale !== undefined && (typeof stale !== "string" || !isDuration(stale))) {
    problems.push(`${at}.staleAccountAfter" has invalid value ${show(stale)} (expected a duration such as 24h or 2d)`);
  }
  const own = organization.memberRoleInThisAccount;
  if (own !== undefined && typeof own !== "boolean") {
    problems.push(`${at}.memberRoleInThisAccount" has invalid value ${show(own)} (expected true or false)`);
  }
  const stackSet = organization.memberRoleStackSet;
  if (stackSet !== undefined) {
    const units = stackSet.organizationalUnits;
    if (!Array.isArray(units) || units.length === 0 || units.some((unit) => !isOrganizationalUnitId(String(unit)))) {
      problems.push(
        `${at}.memberRoleStackSet.organizationalUnits" has invalid value ${show(units)} (expected a non-empty list of ${unitIds})`,
      );
    }
    if (stackSet.callAs !== undefined && stackSet.callAs !== "SELF" && stackSet.callAs !== "DELEGATED_ADMIN") {
      problems.push(
        `${at}.memberRoleStackSet.callAs" has invalid value ${show(stackSet.callAs)} (expected "SELF" or "DELEGATED_ADMIN")`,
      );
    }
  }
  return problems;
}

function isDuration(text: string): boolean {
  try {
    return parseDuration(text) > 0;
  } catch {
    return false;
  }
}
