import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { DEFAULT_MEMBER_ROLE_NAME } from "../../handler/organization/organization-scope";
import { memberRoleTemplate } from "../member-role/member-role-policy";

/** Props of {@link MemberRoleStackSet}. */
export interface MemberRoleStackSetProps {
  /** The worker's role: the only principal the member role trusts. */
  readonly trustedRole: Pick<IamRole, "arn">;
  /** OU or root ids (`r-…` for the whole organization) whose accounts get the role. */
  readonly organizationalUnits: readonly string[];
  /** The StackSet's name; also the member stacks' prefix. @default "key-age-member-role" */
  readonly stackSetName?: string;
  /** The member role's name. @default DEFAULT_MEMBER_ROLE_NAME */
  readonly roleName?: string;
  /** Require callers from this organization (`aws:PrincipalOrgID`). @default no condition */
  readonly organizationId?: string;
  /** Grant the credential-report reads. @default true */
  readonly readCredentialReport?: boolean;
  /** `SELF` (management account) or `DELEGATED_ADMIN`. @default "SELF" */
  readonly callAs?: "SELF" | "DELEGATED_ADMIN";
  /** The one region the stacks are created in (IAM is global). */
  readonly region: string;
  /**
   * `SECURITY_HUB=on`: the monitor's region, where the worker imports each account's findings through
   * the member role. @default no Security Hub access
   */
  readonly securityHubRegion?: string;
}

/**
 * Puts the member role into every account under the given OUs with a service-managed StackSet:
 * auto-deployment gives accounts that join later the role too, and removes it from accounts that
 * leave. Needs trusted access for CloudFormation StackSets in Organizations. Service-managed StackSets
 * never deploy to the management account itself.
 */
export class MemberRoleStackSet extends Construct {
  public readonly stackSet: CloudformationStackSet;
  public readonly instances: CloudformationStackSetInstance;

  constructor(scope: Construct, id: string, props: MemberRoleStackSetProps) {
    super(scope, id);
    const callAs = props.callAs ?? "SELF";
    this.stackSet = new CloudformationStackSet(this, "stack-set", {
      name: props.stackSetName ?? "key-age-member-role",
      description: "Read-only role the IAM access-key age monitor assumes in each member account",
      permissionModel: "SERVICE_MANAGED",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      callAs,
      managedExecution: { active: true },
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: "PARALLEL",
      },
      // The worker's role ARN is only known at apply: the template is rendered there by jsonencode.
      templateBody: Fn.jsonencode(
        memberRoleTemplate({
          roleName: props.roleName ?? DEFAULT_MEMBER_ROLE_NAME,
          trustedRoleArn: props.trustedRole.arn,
          ...(props.organizationId ? { organizationId: props.organizationId } : {}),
          ...(props.readCredentialReport !== undefined ? { readCredentialReport: props.readCredentialReport } : {}),
          ...(props.securityHubRegion !== undefined ? { securityHubRegion: props.securityHubRegion } : {}),
        }),
      ),
      // AWS sets this for service-managed StackSets; leaving it out of the plan avoids a diff on every run.
      lifecycle: { ignoreChanges: ["administration_role_arn"] },
    });
    this.instances = new CloudformationStackSetInstance(this, "instances", {
      stackSetName: this.stackSet.name,
      callAs,
      region: props.region,
      deploymentTargets: { organizationalUnitIds: [...props.organizationalUnits] },
    });
  }
}
