import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ACCOUNT_WIDE_IAM_ACTIONS, USER_SCOPED_IAM_ACTIONS } from "../../../handler/runtime/aws-contract";
import { MemberRole } from "../../../modules/member-role/member-role";
import { memberRoleTemplate } from "../../../modules/member-role/member-role-policy";

const WORKER = "arn:aws:iam::111111111111:role/iam-key-age-monitor-org";

function synth(props: Partial<ConstructorParameters<typeof MemberRole>[2]> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "member");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new MemberRole(stack, "member-role", { trustedRole: { arn: WORKER }, ...props });
  const json = Testing.synth(stack);
  // biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON
  const parsed = JSON.parse(json) as any;
  const role = Object.values(parsed.resource.aws_iam_role)[0] as { assume_role_policy: string };
  const policy = Object.values(parsed.resource.aws_iam_role_policy)[0] as { policy: string };
  return { json, trust: JSON.parse(role.assume_role_policy), policy: JSON.parse(policy.policy) };
}

describe("MemberRole", () => {
  it("trusts only the worker's role, inside the organization, for an hour at most", () => {
    const { json, trust } = synth({ organizationId: "o-a1b2c3d4e5" });
    expect(json).toHaveResourceWithProperties(IamRole, { name: "key-age-member-reader", max_session_duration: 3600 });
    expect(trust.Statement).toEqual([
      {
        Sid: "MonitorAssumes",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Principal: { AWS: [WORKER] },
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      },
    ]);
  });

  it("allows exactly the scan's IAM reads from the declared contract, read-only", () => {
    const { policy } = synth();
    const actions = policy.Statement.flatMap((statement: { Action: string[] }) => statement.Action).sort();
    expect(actions).toEqual(
      [
        ...ACCOUNT_WIDE_IAM_ACTIONS.listUsers,
        ...ACCOUNT_WIDE_IAM_ACTIONS.accountSummary,
        ...USER_SCOPED_IAM_ACTIONS,
        ...ACCOUNT_WIDE_IAM_ACTIONS.credentialReport,
      ].sort(),
    );
    const withoutReport = synth({ readCredentialReport: false, roleName: "auditor" });
    expect(withoutReport.json).toHaveResourceWithProperties(IamRole, { name: "auditor" });
    expect(JSON.stringify(withoutReport.policy)).not.toContain("CredentialReport");
  });

  it("the StackSet template carries the same policy, with the account filled in by CloudFormation", () => {
    const template = memberRoleTemplate({ roleName: "r", trustedRoleArn: WORKER }) as {
      Resources: {
        MemberRole: {
          Properties: { Policies: { PolicyDocument: { Statement: { Sid: string; Resource: unknown }[] } }[] };
        };
      };
    };
    const statements = template.Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(statements.find((statement) => statement.Sid === "ReadUserKeys")?.Resource).toEqual({
      "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*",
    });
  });

  it("imports Security Hub findings only with a region given: the account's own product and hub there", () => {
    expect(JSON.stringify(synth().policy)).not.toContain("securityhub");
    const { policy } = synth({ securityHubRegion: "eu-west-1" });
    const statements = policy.Statement.filter((statement: { Sid: string }) => statement.Sid.includes("SecurityHub"));
    expect(statements).toEqual([
      {
        Sid: "ImportOwnSecurityHubFindings",
        Effect: "Allow",
        Action: ["securityhub:BatchImportFindings"],
        Resource: [
          expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.\S+\}:securityhub:eu-west-1:\$\{(data\.aws_caller_identity\.\S+)\}:product\/\$\{\1\}\/default$/,
          ),
        ],
      },
      {
        Sid: "ReadOwnSecurityHubFindings",
        Effect: "Allow",
        Action: ["securityhub:GetFindings"],
        Resource: [expect.stringMatching(/:securityhub:eu-west-1:\$\{data\.aws_caller_identity\.\S+\}:hub\/default$/)],
      },
    ]);
  });

  it("the StackSet template imports into the monitor's region with the member account's own ids", () => {
    const statementsOf = (template: Record<string, unknown>) =>
      (
        template as {
          Resources: {
            MemberRole: { Properties: { Policies: { PolicyDocument: { Statement: { Sid: string }[] } }[] } };
          };
        }
      ).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(JSON.stringify(memberRoleTemplate({ roleName: "r", trustedRoleArn: WORKER }))).not.toContain("securityhub");
    const statements = statementsOf(
      memberRoleTemplate({ roleName: "r", trustedRoleArn: WORKER, securityHubRegion: "ap-southeast-2" }),
    );
    expect(statements.filter((statement) => statement.Sid.includes("SecurityHub"))).toEqual([
      {
        Sid: "ImportOwnSecurityHubFindings",
        Effect: "Allow",
        Action: ["securityhub:BatchImportFindings"],
        Resource: [
          {
            "Fn::Sub":
              "arn:${AWS::Partition}:securityhub:ap-southeast-2:${AWS::AccountId}:product/${AWS::AccountId}/default",
          },
        ],
      },
      {
        Sid: "ReadOwnSecurityHubFindings",
        Effect: "Allow",
        Action: ["securityhub:GetFindings"],
        Resource: [{ "Fn::Sub": "arn:${AWS::Partition}:securityhub:ap-southeast-2:${AWS::AccountId}:hub/default" }],
      },
    ]);
  });
});
