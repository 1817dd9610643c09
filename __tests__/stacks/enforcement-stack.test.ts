import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { config } from "../../environments";
import { ProjectConfig } from "../../stacks/environment-config";
import { synthStack } from "./support/project-config";

interface Statement {
  sid?: string;
  actions: string[];
  resources: string[];
}

function withEnforcement(settings: Partial<ProjectConfig["environments"][string]>): ProjectConfig {
  return { ...config, environments: { dev: { ...config.environments.dev, ...settings } } };
}

function synthDev(projectConfig: ProjectConfig = config) {
  const { parsed, json } = synthStack("monitor-dev", projectConfig);
  const statements = Object.values(
    parsed.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>,
  ).flatMap((document) => document.statement);
  const fn = Object.values(parsed.resource.aws_lambda_function)[0] as {
    environment: { variables: Record<string, string> };
  };
  return { json, statements, variables: fn.environment.variables };
}

const updatesKeys = (statements: readonly Statement[]) =>
  statements.filter((statement) => statement.actions.includes("iam:UpdateAccessKey"));

test("the role may call iam:UpdateAccessKey only when enforcement is armed, and only on IAM users", () => {
  expect(updatesKeys(synthDev().statements)).toEqual([]);
  expect(updatesKeys(synthDev(withEnforcement({ enforcement: "dry-run", deactivateAge: "120d" })).statements)).toEqual(
    [],
  );
  const armed = updatesKeys(synthDev(withEnforcement({ enforcement: "armed", deactivateAge: "120d" })).statements);
  expect(armed).toEqual([
    expect.objectContaining({
      sid: "DeactivateUserKeys",
      actions: ["iam:UpdateAccessKey"],
      resources: [expect.stringMatching(/^arn:\$\{.*\}:iam::\$\{.*\}:user\/\*$/)],
    }),
  ]);
  // Nothing anywhere may delete a key.
  const all = synthDev(withEnforcement({ enforcement: "armed", deactivateAge: "120d" })).statements;
  expect(
    all.flatMap((statement) => statement.actions).filter((action) => /DeleteAccessKey|iam:\*/.test(action)),
  ).toEqual([]);
});

test("the enforcement settings reach the handler, and the brake alarm exists when enforcement is on", () => {
  const { variables, json } = synthDev(
    withEnforcement({
      enforcement: "armed",
      deactivateAge: "120d",
      deactivationNotice: "14d",
      maxDeactivationsPerDay: 3,
      exposedKeys: "deactivate",
    }),
  );
  expect(variables).toMatchObject({
    ENFORCEMENT: "armed",
    DEACTIVATE_AGE: "120d",
    DEACTIVATION_NOTICE: "14d",
    MAX_DEACTIVATIONS_PER_DAY: "3",
    EXPOSED_KEYS: "deactivate",
  });
  expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
    alarm_name: expect.stringMatching(/-enforcement-brake$/),
    namespace: "IamKeyAgeMonitor",
    metric_name: "EnforcementBrakeEngaged",
    dimensions: { Environment: "dev" },
  });
  const off = synthDev();
  expect(off.variables.ENFORCEMENT).toBeUndefined();
  expect(off.json).not.toContain("enforcement-brake");
});
