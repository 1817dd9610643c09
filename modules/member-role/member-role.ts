import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DEFAULT_MEMBER_ROLE_NAME } from "../../handler/organization/organization-scope";
import { MEMBER_ROLE_MAX_SESSION_SECONDS, memberRolePolicy, memberRoleTrustPolicy } from "./member-role-policy";

/** Props of {@link MemberRole}. */
export interface MemberRoleProps {
  /** The role the monitor runs as (the worker's), the only principal trusted. */
  readonly trustedRole: Pick<IamRole, "arn"> | { readonly arn: string };
  /** The role's name; the worker's `MEMBER_ROLE_NAME` must match. @default DEFAULT_MEMBER_ROLE_NAME */
  readonly roleName?: string;
  /** Require the caller to be in this organization (`aws:PrincipalOrgID`). @default no condition */
  readonly organizationId?: string;
  /** Grant the credential-report reads. @default true */
  readonly readCredentialReport?: boolean;
  /**
   * `SECURITY_HUB=on`: the monitor's region, where the worker imports this account's findings through
   * the role. @default no Security Hub access
   */
  readonly securityHubRegion?: string;
}

/**
 * The read-only role the monitor assumes in a member account, for a stack deployed into that account
 * (the alternative to the StackSet): the scan's IAM reads only, trusting only the monitor's role.
 */
export class MemberRole extends Construct {
  /** The role. */
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: MemberRoleProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    this.role = new IamRole(this, "role", {
      name: props.roleName ?? DEFAULT_MEMBER_ROLE_NAME,
      description: "Read-only role the IAM access-key age monitor assumes to scan this account's access keys",
      maxSessionDuration: MEMBER_ROLE_MAX_SESSION_SECONDS,
      assumeRolePolicy: JSON.stringify(
        memberRoleTrustPolicy({
          trustedRoleArns: [props.trustedRole.arn],
          ...(props.organizationId ? { organizationId: props.organizationId } : {}),
        }),
      ),
    });
    new IamRolePolicy(this, "policy", {
      name: "key-age-scan",
      role: this.role.id,
      policy: JSON.stringify(
        memberRolePolicy({
          userArns: `arn:${partition}:iam::${account}:user/*`,
          ...(props.readCredentialReport !== undefined ? { readCredentialReport: props.readCredentialReport } : {}),
          ...(props.securityHubRegion !== undefined
            ? { securityHub: { parts: { partition, region: props.securityHubRegion, account } } }
            : {}),
        }),
      ),
    });
  }
}
