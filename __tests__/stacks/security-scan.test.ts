import { Testing, TerraformStack } from "cdktf";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { ProjectConfig } from "../../stacks/environment-config";
import { scanStack } from "../support/stack-scanner";

function synthesizedStacks(projectConfig: ProjectConfig) {
  const app = buildApp(projectConfig, Testing.app());
  return app.node.children
    .filter((c): c is TerraformStack => c instanceof TerraformStack)
    .map((stack) => ({ name: stack.node.id, json: JSON.parse(Testing.synth(stack)) }));
}

describe("the project's security scanner", () => {
  // Every optional feature switched on, so nothing escapes the scan.
  const everything: ProjectConfig = {
    ...config,
    environments: Object.fromEntries(
      Object.entries(config.environments).map(([name, env]) => [
        name,
        {
          ...env,
          alarmEmail: "platform@example.com",
          alarmOnCriticalKeys: true,
          slackWebhookKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc",
        },
      ]),
    ),
  };

  test.each(synthesizedStacks(everything).map((s) => [s.name, s.json]))("finds nothing in %s", (name, json) => {
    expect(scanStack(name as string, json)).toEqual([]);
  });

  describe("catches each kind of problem", () => {
    const doc = (statement: object) => ({ data: { aws_iam_policy_document: { p: { statement: [statement] } } } });

    test("wildcard actions", () => {
      expect(scanStack("s", doc({ actions: ["*"], resources: ["arn:aws:s3:::b"] }))).toEqual([
        "s: data.aws_iam_policy_document.p: a statement allows the wildcard action *",
      ]);
      expect(scanStack("s", doc({ sid: "X", actions: ["iam:*"], resources: ["arn:x"] }))[0]).toMatch(
        /wildcard action iam:\*/,
      );
      expect(scanStack("s", doc({ effect: "Deny", actions: ["s3:*"], resources: ["*"] }))).toEqual([]);
    });

    test("Resource * where resource-level permissions exist", () => {
      expect(scanStack("s", doc({ actions: ["iam:ListAccessKeys"], resources: ["*"] }))[0]).toMatch(
        /iam:ListAccessKeys on Resource "\*"/,
      );
      expect(scanStack("s", doc({ actions: ["iam:ListUsers"], resources: ["*"] }))).toEqual([]);
    });

    test("literal JSON policies are read too", () => {
      const policy = JSON.stringify({ Statement: { Effect: "Allow", Action: "ssm:*", Resource: "*" } });
      expect(scanStack("s", { resource: { aws_iam_role_policy: { r: { policy } } } })).toHaveLength(2);
    });

    test("lambda permissions without source_arn, log groups without retention, unencrypted stores", () => {
      const findings = scanStack("s", {
        resource: {
          aws_lambda_permission: { p: { principal: "events.amazonaws.com" } },
          aws_cloudwatch_log_group: { l: { name: "x" } },
          aws_sqs_queue: { q: {} },
          aws_sns_topic: { t: {} },
          aws_dynamodb_table: { d: {} },
          aws_s3_bucket: { b: {} },
        },
      });
      expect(findings).toEqual([
        "s: aws_lambda_permission.p: has no source_arn: any resource of the principal could invoke",
        "s: aws_cloudwatch_log_group.l: keeps logs forever (no retention_in_days)",
        "s: aws_sqs_queue.q: is not encrypted",
        "s: aws_sns_topic.t: is not encrypted",
        "s: aws_dynamodb_table.d: does not enable server-side encryption",
        "s: aws_s3_bucket.b: has no server-side encryption configuration",
      ]);
    });

    test("Slack webhook URLs", () => {
      const url = ["https://hooks.slack.com", "services", "T000", "B000", "XXXX"].join("/");
      expect(
        scanStack("s", { resource: { aws_lambda_function: { f: { environment: { variables: { URL: url } } } } } }),
      ).toEqual(["s: contains a string that looks like a Slack webhook URL"]);
    });
  });
});
