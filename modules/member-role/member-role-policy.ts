import { ACCOUNT_WIDE_IAM_ACTIONS, USER_SCOPED_IAM_ACTIONS } from "../../handler/runtime/aws-contract";

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
}

/**
 * The member role's permissions: exactly the IAM reads of the scan, from the same declared contract
 * as the function's own policy (handler/runtime/aws-contract.ts). Read-only: the organization mode does
 * not deactivate keys in member accounts.
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
  return { Version: "2012-10-17", Statement: statements };
}

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
              }),
            },
          ],
        },
      },
    },
    Outputs: { MemberRoleArn: { Value: { "Fn::GetAtt": ["MemberRole", "Arn"] } } },
  };
}
