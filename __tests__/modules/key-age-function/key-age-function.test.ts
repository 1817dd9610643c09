import { Testing } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { KeyAgeFunction, KeyAgeFunctionProps } from "../../../modules/key-age-function/key-age-function";

interface Statement {
  sid?: string;
  actions: string[];
  resources: string[];
}

function synth(props: Partial<KeyAgeFunctionProps> = {}) {
  const json = Testing.synthScope((scope) => {
    new KeyAgeFunction(scope, "fn", { functionName: "key-age-test", ...props });
  });
  const parsed = JSON.parse(json);
  const statements: Statement[] = Object.values(
    parsed.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>,
  )
    .filter((doc) => doc.statement.some((s) => s.sid !== undefined))
    .flatMap((doc) => doc.statement);
  return { json, parsed, statements };
}

describe("KeyAgeFunction", () => {
  test("deploys the bundle as an arm64 nodejs22.x function with explicit timeout, memory and one run at a time", () => {
    const { json } = synth({ environment: { ENVIRONMENT_NAME: "test" } });
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "key-age-test",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 300,
      memory_size: 256,
      reserved_concurrent_executions: 1,
      environment: { variables: { ENVIRONMENT_NAME: "test" } },
    });
  });

  test("honours timeout, memory and retention props", () => {
    const { json } = synth({ timeoutSeconds: 60, memorySize: 512, logRetentionDays: 30 });
    expect(json).toHaveResourceWithProperties(LambdaFunction, { timeout: 60, memory_size: 512 });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
  });

  test("creates its own log group with retention before the function", () => {
    const { json, parsed } = synth();
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/key-age-test",
      retention_in_days: 365,
    });
    const fn = Object.values(parsed.resource.aws_lambda_function)[0] as { depends_on: string[] };
    const logGroupId = Object.keys(parsed.resource.aws_cloudwatch_log_group)[0];
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroupId}`);
  });

  test("the zip's hash is computed from the asset so code changes redeploy", () => {
    const { parsed } = synth();
    const fn = Object.values(parsed.resource.aws_lambda_function)[0] as { filename: string; source_code_hash: string };
    expect(fn.filename).toMatch(/archive\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  test("the role can be assumed by Lambda only", () => {
    const { json } = synth();
    expect(json).toHaveResourceWithProperties(IamRole, { name: "key-age-test" });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          effect: "Allow",
          principals: [{ identifiers: ["lambda.amazonaws.com"], type: "Service" }],
        },
      ],
    });
  });

  test("the policy allows only the IAM reads of the scan, scoped to users where IAM supports it", () => {
    const { statements } = synth();
    const actions = statements.flatMap((s) => s.actions).sort();
    expect(actions).toEqual(
      [
        "iam:GenerateCredentialReport",
        "iam:GetAccessKeyLastUsed",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountSummary",
        "iam:GetCredentialReport",
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:ListAttachedUserPolicies",
        "iam:ListUserTags",
        "iam:ListUsers",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ].sort(),
    );
    const userScoped = statements.find((s) => s.actions.includes("iam:ListAccessKeys"));
    expect(userScoped?.actions).toContain("iam:ListUserTags");
    expect(userScoped?.resources).toHaveLength(1);
    expect(userScoped?.resources[0]).toMatch(
      /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:iam::\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:user\/\*$/,
    );
    const wildcard = statements.filter((s) => s.resources.includes("*")).flatMap((s) => s.actions);
    // None of these has resource-level permissions in IAM.
    expect(wildcard.sort()).toEqual(
      [
        "iam:GenerateCredentialReport",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountSummary",
        "iam:GetCredentialReport",
        "iam:ListUsers",
      ].sort(),
    );
    const logs = statements.find((s) => s.sid === "WriteOwnLogs");
    expect(logs?.resources[0]).toMatch(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/);
  });

  test("without an alert-state table there is no DynamoDB access", () => {
    const { statements } = synth();
    expect(statements.flatMap((s) => s.actions).filter((a) => a.startsWith("dynamodb:"))).toEqual([]);
  });

  test("with an alert-state table it may query, put and delete items of exactly that table", () => {
    const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/key-age-alert-state";
    const { statements } = synth({ alertStateTable: { arn: tableArn } });
    const dynamodb = statements.filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    expect(dynamodb).toHaveLength(1);
    expect(dynamodb[0].actions.sort()).toEqual(["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"]);
    expect(dynamodb[0].resources).toEqual([tableArn]);
  });

  test("with the Slack app and alert state it may also read owners' member ids by key from that table", () => {
    const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/key-age-alert-state";
    const { statements } = synth({ alertStateTable: { arn: tableArn }, slackBotTokenParameterName: "/t" });
    const cache = statements.find((s) => s.sid === "ReadWriteSlackOwnerCache");
    expect(cache?.actions.sort()).toEqual(["dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:PutItem"]);
    expect(cache?.resources).toEqual([tableArn]);
  });

  test("may only scan the previous layout's table, by name, to carry its items over", () => {
    const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/key-age-account-state";
    const { statements } = synth({
      alertStateTable: { arn: tableArn },
      legacyAlertStateTableName: "key-age-alert-state",
    });
    expect(statements.find((s) => s.sid === "ReadPreviousAlertState")).toMatchObject({
      actions: ["dynamodb:Scan"],
      resources: [expect.stringMatching(/:table\/key-age-alert-state$/)],
    });
  });

  test("without a webhook parameter there is no SSM or KMS access", () => {
    const { statements } = synth();
    expect(statements.flatMap((s) => s.actions).filter((a) => /^(ssm|kms):/.test(a))).toEqual([]);
  });

  test("with a webhook parameter it may read exactly that parameter", () => {
    const { statements } = synth({ slackWebhookParameterName: "/key-age/slack-webhook" });
    const ssm = statements.filter((s) => s.actions.some((a) => a.startsWith("ssm:")));
    expect(ssm).toHaveLength(1);
    expect(ssm[0].actions).toEqual(["ssm:GetParameter"]);
    expect(ssm[0].resources).toHaveLength(1);
    expect(ssm[0].resources[0]).toMatch(/^arn:\$\{.+\}:ssm:\$\{.+\}:\$\{.+\}:parameter\/key-age\/slack-webhook$/);
  });

  test("a customer-managed key is usable only through SSM", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { parsed } = synth({ slackWebhookParameterName: "hook", slackWebhookKmsKeyArn: key });
    const docs = JSON.stringify(parsed.data.aws_iam_policy_document);
    expect(docs).toContain(key);
    expect(docs).toContain("kms:ViaService");
  });

  test("with a bot-token parameter it may read exactly that parameter, and decrypt its key only through SSM", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { statements } = synth({
      slackBotTokenParameterName: "/key-age/slack-bot-token",
      slackBotTokenKmsKeyArn: key,
    });
    const read = statements.find((s) => s.sid === "ReadSlackBotToken");
    expect(read?.actions).toEqual(["ssm:GetParameter"]);
    expect(read?.resources).toHaveLength(1);
    expect(read?.resources[0]).toMatch(/^arn:\$\{.+\}:ssm:\$\{.+\}:\$\{.+\}:parameter\/key-age\/slack-bot-token$/);
    const decrypt = statements.find((s) => s.sid === "DecryptSlackBotToken") as Statement & { condition: unknown };
    expect(decrypt).toMatchObject({ actions: ["kms:Decrypt"], resources: [key] });
    expect(JSON.stringify(decrypt.condition)).toContain("kms:ViaService");
    expect(statements.filter((s) => s.actions.some((a) => a.startsWith("ssm:")))).toHaveLength(1);
  });
});
