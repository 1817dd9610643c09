import { App, Testing, TerraformStack } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { ProjectConfig } from "../../stacks/environment-config";
import { synthStack } from "./support/project-config";

describe("the app", () => {
  test("has the bootstrap stack and one monitor stack per environment", () => {
    const app = buildApp(config, Testing.app());
    const names = app.node.children
      .filter((c) => c instanceof TerraformStack)
      .map((c) => c.node.id)
      .sort();
    expect(names).toEqual(["state-backend", ...Object.keys(config.environments).map((e) => `monitor-${e}`)].sort());
    expect(names).toEqual(expect.arrayContaining(["monitor-dev", "monitor-prod"]));
  });

  test("a bad config value fails synth before any stack is built", () => {
    const bad = {
      ...config,
      environments: { ...config.environments, prod: { ...config.environments.prod, region: "mars-1" } },
    };
    expect(() => buildApp(bad, new App())).toThrow(/environment "prod": field "region" has invalid value "mars-1"/);
  });

  test("nothing in the synthesized output is specific to the emulator", () => {
    for (const name of ["state-backend", "monitor-dev", "monitor-prod"]) {
      const { json } = synthStack(name);
      expect(json).not.toMatch(
        /127\.0\.0\.1|localhost|skip_credentials_validation|s3_use_path_style|"endpoints"|"testing"/,
      );
    }
  });
});

describe("MonitorStack", () => {
  test("keeps its state in the shared S3 backend under its own key, with the DynamoDB lock and S3 lock file", () => {
    const dev = synthStack("monitor-dev").parsed.terraform.backend.s3;
    const prod = synthStack("monitor-prod").parsed.terraform.backend.s3;
    expect(dev).toEqual({
      bucket: config.stateBackend.bucket,
      key: "monitor-dev/terraform.tfstate",
      region: config.stateBackend.region,
      dynamodb_table: config.stateBackend.lockTable,
      encrypt: true,
      use_lockfile: true,
    });
    expect(prod.key).toBe("monitor-prod/terraform.tfstate");
  });

  test("S3-native locking can be switched off", () => {
    const custom: ProjectConfig = {
      ...config,
      environments: { dev: { ...config.environments.dev, s3NativeLocking: false } },
    };
    const backend = synthStack("monitor-dev", custom).parsed.terraform.backend.s3;
    expect(backend.use_lockfile).toBeUndefined();
    expect(backend.dynamodb_table).toBe(config.stateBackend.lockTable);
  });

  test("the provider uses the environment's region and assumes its role when one is configured", () => {
    const role = "arn:aws:iam::123456789012:role/key-age-deployer";
    const custom: ProjectConfig = {
      ...config,
      environments: { prod: { ...config.environments.prod, assumeRoleArn: role } },
    };
    const { json } = synthStack("monitor-prod", custom);
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: config.environments.prod.region,
      assume_role: [{ role_arn: role, session_name: "key-age-prod" }],
    });
    const plain = synthStack("monitor-dev").parsed.provider.aws[0];
    expect(plain.assume_role).toBeUndefined();
  });

  test("passes the environment's settings to the handler", () => {
    const { json } = synthStack("monitor-demo");
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "iam-key-age-monitor-demo",
      environment: {
        variables: {
          ENVIRONMENT_NAME: "demo",
          SLACK_BOT_TOKEN_PARAMETER: "/iam-key-age-monitor/demo/slack-bot-token",
          SLACK_CHANNEL: "#key-age",
          WATCH_USERS: "Demogorgon",
          WARNING_AGE: "12m",
          CRITICAL_AGE: "25m",
          MESSAGE_STYLE: "original",
          ENFORCEMENT: "dry-run",
          DEACTIVATE_AGE: "30m",
          DEACTIVATION_NOTICE: "10m",
          SANDBOX: "true",
          ALERT_STATE_TABLE: expect.stringMatching(/^\$\{aws_dynamodb_table\.[\w-]+\.name\}$/),
          LEGACY_ALERT_STATE_TABLE: "iam-key-age-monitor-demo-alert-state",
        },
      },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, { schedule_expression: "rate(10 minutes)" });
  });

  test("what needs the function refers to the function resource; what is only named after it uses the plain name", () => {
    const { parsed } = synthStack("monitor-dev");
    const functionId = Object.keys(parsed.resource.aws_lambda_function)[0];
    const reference = `\${aws_lambda_function.${functionId}.function_name}`;
    const plain = "iam-key-age-monitor-dev";
    const values = (type: string) => Object.values(parsed.resource[type] as Record<string, Record<string, unknown>>);
    for (const permission of values("aws_lambda_permission")) expect(permission.function_name).toBe(reference);
    // Every rule in the stack's region targets the function; the us-east-1 forwarder targets the bus.
    for (const target of values("aws_cloudwatch_event_target").filter((t) => t.provider === undefined)) {
      expect(target.arn).toBe(`\${aws_lambda_function.${functionId}.arn}`);
    }
    expect(values("aws_lambda_function_event_invoke_config")[0].function_name).toBe(reference);
    const lambdaAlarms = values("aws_cloudwatch_metric_alarm").filter((alarm) => alarm.namespace === "AWS/Lambda");
    expect(lambdaAlarms).toHaveLength(3);
    for (const alarm of lambdaAlarms) expect(alarm.dimensions).toEqual({ FunctionName: plain });
    expect(values("aws_sns_topic")[0].name).toBe(`${plain}-alarms`);
    expect(values("aws_sqs_queue")[0].name).toBe(`${plain}-failed-runs`);
  });

  // Terraform creates a resource only after everything it references. A queue, alarm or rule named from
  // the function's attribute would wait for the function to be created (and the provider's create
  // waits would then add up one after another), though none of them needs the function to exist.
  test.each(Object.keys(config.environments).map((environment) => `monitor-${environment}`))(
    "%s: only the invoke config, permissions, targets, the mapping and outputs refer to a function",
    (stackName) => {
      const { parsed } = synthStack(stackName);
      const referring = new Set<string>();
      for (const [type, resources] of Object.entries(parsed.resource as Record<string, Record<string, unknown>>)) {
        for (const body of Object.values(resources)) {
          if (/\$\{aws_lambda_function\./.test(JSON.stringify(body))) referring.add(type);
        }
      }
      for (const body of Object.values((parsed.data ?? {}) as Record<string, Record<string, unknown>>)) {
        expect(JSON.stringify(body)).not.toMatch(/\$\{aws_lambda_function\./);
      }
      const allowed = [
        "aws_cloudwatch_event_target",
        "aws_lambda_event_source_mapping",
        "aws_lambda_function_event_invoke_config",
        "aws_lambda_permission",
      ];
      expect([...referring].filter((type) => !allowed.includes(type))).toEqual([]);
    },
  );
});

test("the scan strategy and concurrency are set from the environment config, not left to defaults", () => {
  const custom: ProjectConfig = {
    ...config,
    environments: { dev: { ...config.environments.dev, scanStrategy: "api", scanConcurrency: 4 } },
  };
  const fn = Object.values(synthStack("monitor-dev", custom).parsed.resource.aws_lambda_function)[0] as {
    environment: { variables: Record<string, string> };
  };
  expect(fn.environment.variables).toMatchObject({ SCAN_STRATEGY: "api", SCAN_CONCURRENCY: "4" });
  const plain = Object.values(synthStack("monitor-dev").parsed.resource.aws_lambda_function)[0] as typeof fn;
  expect(plain.environment.variables.SCAN_STRATEGY).toBeUndefined();
});

test("the credential-report permissions are granted only where the scan can use the report", () => {
  const statementIds = (name: string, projectConfig: ProjectConfig = config) =>
    Object.values(
      synthStack(name, projectConfig).parsed.data.aws_iam_policy_document as Record<
        string,
        { statement: { sid?: string }[] }
      >,
    ).flatMap((document) => document.statement.map((statement) => statement.sid));
  expect(statementIds("monitor-dev")).toContain("ReadCredentialReport");
  // The original's minute-level thresholds: `auto` always takes the per-user API scan.
  expect(statementIds("monitor-demo")).not.toContain("ReadCredentialReport");
  const apiOnly: ProjectConfig = {
    ...config,
    environments: { dev: { ...config.environments.dev, scanStrategy: "api" } },
  };
  expect(statementIds("monitor-dev", apiOnly)).not.toContain("ReadCredentialReport");
});

describe("StateBackendStack", () => {
  test("keeps its own state in the bucket it creates, locked by its table, and outputs the backend's names", () => {
    const { parsed } = synthStack("state-backend");
    expect(parsed.terraform.backend.s3).toEqual({
      bucket: config.stateBackend.bucket,
      key: "state-backend/terraform.tfstate",
      region: config.stateBackend.region,
      dynamodb_table: config.stateBackend.lockTable,
      encrypt: true,
      use_lockfile: true,
    });
    expect(Object.keys(parsed.output)).toEqual(expect.arrayContaining(["bucket", "lock_table"]));
  });
});
