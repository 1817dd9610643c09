import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { config } from "../../environments";
import type { EnvironmentSettings, ProjectConfig } from "../../stacks/environment-config";
import { scanStack } from "../support/stack-scanner";
import { configProblems, synthStack, withEnvironment } from "./support/project-config";

// SECURITY_HUB=on at synth: the grant exists only when the setting is on, on the account's own
// product and hub; single-account on the function's role, organization mode on the member role and
// its StackSet template (the worker's own role gets nothing). The scanner stays green either way.
interface Statement {
  sid?: string;
  actions: string[];
  resources: string[];
}

function synth(name: string, projectConfig: ProjectConfig) {
  const { parsed, json } = synthStack(`monitor-${name}`, projectConfig);
  const documents = Object.values(
    (parsed.data.aws_iam_policy_document ?? {}) as Record<string, { statement: Statement[] }>,
  );
  const statements = documents.flatMap((document) => document.statement);
  const fn = Object.values(parsed.resource.aws_lambda_function as Record<string, Record<string, unknown>>).find(
    (resource) => resource.function_name === `iam-key-age-monitor-${name}`,
  ) as { environment: { variables: Record<string, string> } };
  return { parsed, json, statements, variables: fn.environment.variables };
}

const org = (settings: Partial<EnvironmentSettings>): ProjectConfig => ({
  ...config,
  environments: { org: { ...config.environments.org, ...settings } },
});

const securityHubActions = (statements: readonly Statement[]) =>
  statements.filter((statement) => statement.actions.some((action) => action.startsWith("securityhub:")));

describe("single-account mode", () => {
  test("off by default: no Security Hub action, no variable, no alarm", () => {
    const off = synth("dev", withEnvironment({}));
    expect(securityHubActions(off.statements)).toEqual([]);
    expect(off.variables.SECURITY_HUB).toBeUndefined();
    expect(off.json).not.toContain("security-hub-export");
    expect(off.json).not.toContain("securityhub");
    // Set to false, it stays the implicit default.
    expect(synth("dev", withEnvironment({ securityHub: false })).variables.SECURITY_HUB).toBeUndefined();
  });

  test("on: the function's role may import into and read only its own account's Security Hub", () => {
    const on = synth("dev", withEnvironment({ securityHub: true }));
    expect(on.variables.SECURITY_HUB).toBe("on");
    const arn = (resource: string) =>
      new RegExp(
        `^arn:\\$\\{data\\.aws_partition\\.[\\w-]+\\.partition\\}:securityhub:\\$\\{data\\.aws_region\\.[\\w-]+\\.name\\}:(\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}):${resource}$`,
      );
    expect(securityHubActions(on.statements)).toEqual([
      {
        sid: "ImportOwnSecurityHubFindings",
        actions: ["securityhub:BatchImportFindings"],
        resources: [
          expect.stringMatching(arn("product/\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}/default")),
        ],
      },
      {
        sid: "ReadOwnSecurityHubFindings",
        actions: ["securityhub:GetFindings"],
        resources: [expect.stringMatching(arn("hub/default"))],
      },
    ]);
    expect(on.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: expect.stringMatching(/-security-hub-export$/),
      namespace: "IamKeyAgeMonitor",
      metric_name: "SecurityHubExportFailed",
      dimensions: { Environment: "dev" },
      statistic: "Maximum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
    });
    const dashboard = Object.values(on.parsed.resource.aws_cloudwatch_dashboard)[0] as { dashboard_body: string };
    expect(dashboard.dashboard_body).toContain("SecurityHubImportedFindings");
    expect(dashboard.dashboard_body).toContain("security-hub-export");
    expect(scanStack("monitor-dev", on.parsed)).toEqual([]);
  });
});

describe("organization mode", () => {
  test("on: the member role and its StackSet template gain the export; the worker's own role does not", () => {
    const on = synth("org", org({ securityHub: true }));
    expect(on.variables.SECURITY_HUB).toBe("on");
    // The worker's policy documents: no Security Hub action (it imports through the member roles).
    expect(securityHubActions(on.statements)).toEqual([]);

    const memberPolicy = JSON.parse(
      (
        Object.entries(on.parsed.resource.aws_iam_role_policy).find(([name]) => name.startsWith("member-role_")) as [
          string,
          { policy: string },
        ]
      )[1].policy,
    ) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    const member = memberPolicy.Statement.filter((statement) => statement.Sid.includes("SecurityHub"));
    expect(member).toEqual([
      expect.objectContaining({
        Sid: "ImportOwnSecurityHubFindings",
        Action: ["securityhub:BatchImportFindings"],
        Resource: [
          expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.\S+\}:securityhub:eu-west-1:\$\{data\.aws_caller_identity\.\S+\}:product\/\$\{data\.aws_caller_identity\.\S+\}\/default$/,
          ),
        ],
      }),
      expect.objectContaining({ Sid: "ReadOwnSecurityHubFindings", Action: ["securityhub:GetFindings"] }),
    ]);

    const template = (Object.values(on.parsed.resource.aws_cloudformation_stack_set)[0] as { template_body: string })
      .template_body;
    // The monitor's region, and the member account's own partition and id through Fn::Sub.
    expect(template).toContain(
      '"Fn::Sub" = "arn:$${AWS::Partition}:securityhub:eu-west-1:$${AWS::AccountId}:product/$${AWS::AccountId}/default"',
    );
    expect(template).toContain(
      '"Fn::Sub" = "arn:$${AWS::Partition}:securityhub:eu-west-1:$${AWS::AccountId}:hub/default"',
    );
    expect(template).toContain("securityhub:GetFindings");
    expect(on.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: expect.stringMatching(/-security-hub-export$/),
      metric_name: "SecurityHubExportFailed",
      dimensions: { Environment: "org" },
    });
    expect(scanStack("monitor-org", on.parsed)).toEqual([]);
  });

  test("off: neither the member role nor the template mentions Security Hub", () => {
    const off = synth("org", org({}));
    expect(off.json).not.toContain("securityhub");
    expect(off.json).not.toContain("security-hub-export");
  });
});

describe("validation", () => {
  test("a value that is not a boolean fails synth, naming the field and the value", () => {
    expect(configProblems(withEnvironment({ securityHub: "on" } as unknown as Partial<EnvironmentSettings>))).toEqual([
      'environment "dev": field "securityHub" has invalid value "on" (expected true or false)',
    ]);
    expect(configProblems(withEnvironment({ securityhub: true }))).toEqual([
      'environment "dev": unknown field "securityhub" (did you mean "securityHub"?)',
    ]);
    expect(configProblems(withEnvironment({ securityHub: true }))).toEqual([]);
  });
});
