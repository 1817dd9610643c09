import { ACCOUNT_WIDE_IAM_ACTIONS, USER_SCOPED_IAM_ACTIONS } from "../../handler/runtime/aws-contract";
import { type SecurityHubArnParts, securityHubStatements } from "../../handler/security-hub/security-hub-contract";

/** An IAM policy statement in IAM's own JSON shape (what CloudFormation and `aws_iam_role` take). */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  /** Absent in a trust policy. */
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Options of {@link memberRolePolicy}. */
export interface MemberRolePolicyOptions {
  /** The ARN pattern of the member account's users: a string, or a CloudFormation `Fn::Sub`. */
  readonly userArns: unknown;
  /** Grant the credential-report actions (`SCAN_STRATEGY` `credential-report` or `auto`). @default true */
  readonly readCredentialReport?: boolean;
  /**
   * `SECURITY_HUB=on`: the worker imports the account's findings through this role, so it may
   * import into and read the account's own Security Hub in the monitor's region. `parts` are the
   * ARN parts as the policy writes them; `wrap` turns each ARN into the policy's value (a
   * CloudFormation `Fn::Sub` in the StackSet template). @default no Security Hub access
   */
  readonly securityHub?: { readonly parts: SecurityHubArnParts; readonly wrap?: (arn: string) => unknown };
}

/**
 * The member role's permissions: exactly the IAM reads of the scan, from the same declared contract
 * as the function's own policy (handler/runtime/aws-contract.ts), and with `securityHub` the
 * findings export. Read-only in IAM: the organization mode does not deactivate keys in member accounts.
 */
export function memberRolePolicy(options: MemberRolePolicyOptions): {
  Version: "2012-10-17";
  Statement: IamStatement[];
} {
  const statements: IamStatement[] = [
    // IAM has no resource types for these actions: "*" is the only resource they accept.
    { Sid: "ListUsers", Effect: "Allow", Action: [...ACCOUNT_WIDE_IAM_ACTIONS.listUsers], Resource: "*" },
    // Whether the account's root user has an access key.
    {
      Sid: "DetectRootAccessKey",
      Effect: "Allow",
      Action: [...ACCOUNT_WIDE_IAM_ACTIONS.accountSummary],
      Resource: "*",
    },
    { Sid: "ReadUserKeys", Effect: "Allow", Action: [...USER_SCOPED_IAM_ACTIONS], Resource: options.userArns },
  ];
  if (options.readCredentialReport ?? true) {
    statements.push({
      Sid: "ReadCredentialReport",
      Effect: "Allow",
      Action: [...ACCOUNT_WIDE_IAM_ACTIONS.credentialReport],
      Resource: "*",
    });
  }
  const securityHub = options.securityHub;
  for (const statement of securityHubStatements(securityHub !== undefined, securityHub?.parts ?? NO_PARTS)) {
    const wrap = securityHub?.wrap ?? ((arn: string) => arn);
    statements.push({
      Sid: statement.sid,
      Effect: "Allow",
      Action: [...statement.actions],
      Resource: statement.resources.map(wrap),
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

const NO_PARTS: SecurityHubArnParts = { partition: "", region: "", account: "" };

/** Options of {@link memberRoleTrustPolicy}. */
export interface MemberRoleTrustOptions {
  /** The only principal that may assume the role: the worker's (or the operator's) role ARN. */
  readonly trustedRoleArns: readonly unknown[];
  /** Also require the caller to be in this organization (`aws:PrincipalOrgID`). @default no condition */
  readonly organizationId?: string;
}

/** The member role's trust policy: the named roles only, inside the organization when one is given. */
export function memberRoleTrustPolicy(options: MemberRoleTrustOptions): {
  Version: "2012-10-17";
  Statement: IamStatement[];
} {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MonitorAssumes",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Principal: { AWS: [...options.trustedRoleArns] },
        ...(options.organizationId
          ? { Condition: { StringEquals: { "aws:PrincipalOrgID": options.organizationId } } }
          : {}),
      },
    ],
  };
}

/** The member role's maximum session: one hour, the IAM minimum, longer than a worker invocation can run. */
export const MEMBER_ROLE_MAX_SESSION_SECONDS = 3600;

/** Options of {@link memberRoleTemplate}. */
export interface MemberRoleTemplateOptions extends Omit<MemberRoleTrustOptions, "trustedRoleArns"> {
  readonly roleName: string;
  /** The worker's role ARN (a Terraform reference is fine: the template is rendered at apply). */
  readonly trustedRoleArn: string;
  readonly readCredentialReport?: boolean;
  /**
   * `SECURITY_HUB=on`: the monitor's region, whose Security Hub receives each member account's
   * findings (not the StackSet instance's region). @default no Security Hub access
   */
  readonly securityHubRegion?: string;
}

/**
 * The CloudFormation template of the member role, for the StackSet that puts it into every member
 * account: the same policy and trust as the Terraform module, with the account filled in by CloudFormation.
 */
export function memberRoleTemplate(options: MemberRoleTemplateOptions): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Read-only role the IAM access-key age monitor assumes to scan this account's access keys",
    Resources: {
      MemberRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: options.roleName,
          MaxSessionDuration: MEMBER_ROLE_MAX_SESSION_SECONDS,
          AssumeRolePolicyDocument: memberRoleTrustPolicy({
            trustedRoleArns: [options.trustedRoleArn],
            ...(options.organizationId ? { organizationId: options.organizationId } : {}),
          }),
          Policies: [
            {
              PolicyName: "key-age-scan",
              PolicyDocument: memberRolePolicy({
                userArns: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*" },
                ...(options.readCredentialReport !== undefined
                  ? { readCredentialReport: options.readCredentialReport }
                  : {}),
                ...(options.securityHubRegion !== undefined
                  ? {
                      securityHub: {
                        parts: {
                          partition: "${AWS::Partition}",
                          region: options.securityHubRegion,
                          account: "${AWS::AccountId}",
                        },
                        wrap: (arn: string) => ({ "Fn::Sub": arn }),
                      },
                    }
                  : {}),
              }),
            },
          ],
        },
      },
    },
    Outputs: { MemberRoleArn: { Value: { "Fn::GetAtt": ["MemberRole", "Arn"] } } },
  };
}
