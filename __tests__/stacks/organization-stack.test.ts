import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ACCOUNT_WIDE_IAM_ACTIONS, USER_SCOPED_IAM_ACTIONS } from "../../handler/runtime/aws-contract";
import { config } from "../../environments";
import { configProblems, synthStack, withEnvironment } from "./support/project-config";

interface Statement {
  sid?: string;
  actions: string[];
  resources: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON
type Json = Record<string, any>;

const org = synthStack("monitor-org");
const documents = org.parsed.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
const statementsOf = (prefix: string) =>
  Object.entries(documents)
    .filter(([name]) => name.startsWith(prefix))
    .flatMap(([, document]) => document.statement);
const functions = Object.values(org.parsed.resource.aws_lambda_function as Record<string, Json>);

describe("monitor-org (organization mode)", () => {
  it("runs the worker and the dispatcher from the same bundle, by handler export", () => {
    const handlers = functions.map((fn) => fn.handler).sort();
    expect(handlers).toEqual(["index.dispatcher", "index.worker"]);
    // Each function zips its own copy of the one bundle: the asset hash in the path is the same.
    expect(new Set(functions.map((fn) => String(fn.filename).split("/")[2])).size).toBe(1);
    expect(org.json).toHaveResourceWithProperties(LambdaFunction, {
      handler: "index.worker",
      reserved_concurrent_executions: 10,
    });
  });

  it("feeds the worker from an encrypted queue with bounded concurrency and partial batch responses", () => {
    expect(org.json).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: 10 },
    });
    const queues = Object.values(org.parsed.resource.aws_sqs_queue as Record<string, Json>);
    const accounts = queues.find((queue) => String(queue.name).endsWith("-accounts"));
    expect(accounts?.sqs_managed_sse_enabled).toBe(true);
    expect(JSON.parse(accounts?.redrive_policy)).toEqual({
      deadLetterTargetArn: expect.stringContaining("dead-letter-queue"),
      maxReceiveCount: 3,
    });
    const deadLetters = queues.find((queue) => String(queue.name).endsWith("-accounts-dlq"));
    expect(deadLetters?.sqs_managed_sse_enabled).toBe(true);
    expect(org.json).toHaveResourceWithProperties(SqsQueue, { message_retention_seconds: 1_209_600 });
  });

  it("gives the worker the memory of a batch scanned side by side", () => {
    const worker = functions.find((fn) => fn.handler === "index.worker");
    expect(worker?.memory_size).toBe(512);
    expect(functions.find((fn) => fn.handler === "index.dispatcher")?.memory_size).toBe(256);
  });

  it("gives the worker no IAM reads of its own account: only the member role, by name, and the queue", () => {
    const worker = statementsOf("key-age-function_policy-document").concat(statementsOf("organization_worker-policy"));
    const actions = worker.flatMap((statement) => statement.actions);
    expect(actions).not.toContain("iam:ListUsers");
    expect(worker).toContainEqual(
      expect.objectContaining({
        sid: "AssumeMemberRole",
        actions: ["sts:AssumeRole"],
        resources: [expect.stringMatching(/:iam::\*:role\/key-age-member-reader$/)],
      }),
    );
    // Its scan records are items of each account's partition: the state table's grant covers them.
    expect(worker).toContainEqual(
      expect.objectContaining({
        sid: "ReadWriteAlertState",
        actions: ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      }),
    );
  });

  it("lets the dispatcher list the organization, send to the queue, read the account records and write only its own partition", () => {
    const dispatcher = statementsOf("organization_dispatcher-policy");
    expect(dispatcher.flatMap((statement) => statement.actions).sort()).toEqual(
      [
        "dynamodb:BatchGetItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "organizations:ListAccounts",
        "sqs:SendMessage",
      ].sort(),
    );
    expect(dispatcher.find((statement) => statement.sid === "ReadWriteDispatchRecord")).toMatchObject({
      condition: [{ test: "ForAllValues:StringEquals", variable: "dynamodb:LeadingKeys", values: ["#organization"] }],
    });
    const alarms = Object.values(org.parsed.resource.aws_cloudwatch_metric_alarm as Record<string, Json>);
    expect(alarms.find((alarm) => String(alarm.alarm_name).endsWith("-stale-accounts"))).toMatchObject({
      metric_name: "StaleAccounts",
      namespace: "IamKeyAgeMonitor",
      dimensions: { Environment: "org" },
    });
  });

  it("lets the dispatcher read the Slack webhook for the heartbeat's organization summary, and only then", () => {
    const dispatcherOf = (stack: { parsed: Json }) =>
      Object.values(stack.parsed.resource.aws_lambda_function as Record<string, Json>).find(
        (fn) => fn.handler === "index.dispatcher",
      );
    expect(dispatcherOf(org)?.environment.variables.SLACK_WEBHOOK_PARAMETER).toBe(
      "/iam-key-age-monitor/org/slack-webhook",
    );
    expect(statementsOf("organization_dispatcher_policy-document")).toContainEqual(
      expect.objectContaining({
        sid: "ReadSlackWebhook",
        actions: ["ssm:GetParameter"],
        resources: [expect.stringMatching(/:parameter\/iam-key-age-monitor\/org\/slack-webhook$/)],
      }),
    );
    const { heartbeatSchedule: _, ...withoutHeartbeat } = config.environments.org;
    const quiet = synthStack("monitor-org", { ...config, environments: { org: withoutHeartbeat } });
    expect(dispatcherOf(quiet)?.environment.variables.SLACK_WEBHOOK_PARAMETER).toBeUndefined();
    const quietDocuments = quiet.parsed.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
    const quietDispatcher = Object.entries(quietDocuments)
      .filter(([name]) => name.startsWith("organization_dispatcher"))
      .flatMap(([, document]) => document.statement);
    expect(quietDispatcher.flatMap((statement) => statement.actions)).toContain("sqs:SendMessage");
    expect(quietDispatcher.flatMap((statement) => statement.actions)).not.toContain("ssm:GetParameter");
  });

  it("alarms on the dead-letter queue, worker errors and throttles, and the dispatcher", () => {
    const alarms = Object.values(org.parsed.resource.aws_cloudwatch_metric_alarm as Record<string, Json>);
    const alarm = (name: string) => alarms.find((found) => found.alarm_name === name);
    const worker = "iam-key-age-monitor-org";
    expect(alarm(`${worker}-failed-runs`)?.dimensions).toEqual({
      QueueName: expect.stringContaining("dead-letter-queue"),
    });
    expect(alarm(`${worker}-throttles`)?.metric_name).toBe("Throttles");
    expect(alarm(`${worker}-errors`)?.metric_name).toBe("Errors");
    expect(alarm(`${worker}-dispatcher-errors`)?.metric_name).toBe("Errors");
    expect(alarm(`${worker}-dispatcher-errors`)?.dimensions).toEqual({ FunctionName: `${worker}-dispatcher` });
    expect(org.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, { metric_name: "Errors" });
  });

  it("puts the member role into the organization with a service-managed, auto-deploying StackSet", () => {
    expect(org.json).toHaveResourceWithProperties(CloudformationStackSet, {
      permission_model: "SERVICE_MANAGED",
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
    });
    expect(org.json).toHaveResourceWithProperties(CloudformationStackSetInstance, {
      deployment_targets: { organizational_unit_ids: ["r-a1b2"] },
    });
    const stackSet = Object.values(org.parsed.resource.aws_cloudformation_stack_set as Record<string, Json>).find(
      (set) => set.name === "key-age-member-role",
    );
    const template = String(stackSet?.template_body);
    for (const action of [...ACCOUNT_WIDE_IAM_ACTIONS.listUsers, ...USER_SCOPED_IAM_ACTIONS]) {
      expect(template).toContain(action);
    }
    expect(template).toContain("aws:PrincipalOrgID");
    expect(template).toContain("o-a1b2c3d4e5");
    expect(template).toContain("aws_iam_role.key-age-function_role");
    expect(template).not.toContain("iam:UpdateAccessKey");
  });

  it("creates the member role in its own account too, which the StackSet never reaches", () => {
    const roles = Object.values(org.parsed.resource.aws_iam_role as Record<string, Json>).map((role) => role.name);
    expect(roles).toContain("key-age-member-reader");
    const delegated = synthStack(
      "monitor-dev",
      withEnvironment({
        organization: { memberRoleStackSet: { organizationalUnits: ["r-a1b2"], callAs: "DELEGATED_ADMIN" } },
      }),
    );
    const delegatedRoles = Object.values(delegated.parsed.resource.aws_iam_role as Record<string, Json>).map(
      (role) => role.name,
    );
    expect(delegatedRoles).not.toContain("key-age-member-reader");
  });

  it("leaves single-account environments unchanged: one function, index.handler, no queue for accounts", () => {
    const dev = synthStack("monitor-dev");
    const devFunctions = Object.values(dev.parsed.resource.aws_lambda_function as Record<string, Json>);
    expect(devFunctions.map((fn) => fn.handler)).toEqual(["index.handler"]);
    expect(dev.parsed.resource.aws_lambda_event_source_mapping).toBeUndefined();
    expect(dev.parsed.resource.aws_cloudformation_stack_set).toBeUndefined();
  });

  it("a static account list needs no Organizations permission", () => {
    const stack = synthStack(
      "monitor-dev",
      withEnvironment({ organization: { accounts: ["111111111111", "222222222222"] } }),
    );
    const variables = Object.values(stack.parsed.resource.aws_lambda_function as Record<string, Json>).map(
      (fn) => fn.environment.variables.ORGANIZATION_ACCOUNTS,
    );
    expect(variables).toEqual(["111111111111,222222222222", "111111111111,222222222222"]);
    expect(stack.json).not.toContain("organizations:");
  });

  it("routes the Slack app by account: the map as one variable, account tags read only when asked", () => {
    const stack = synthStack(
      "monitor-dev",
      withEnvironment({
        slackWebhookParameter: undefined,
        slackBotTokenParameter: "/key-age/dev/slack-bot-token",
        slackChannel: "#key-age",
        slackChannelsByAccount: { "111111111111": "#team-payments", "222222222222": "C0ANALYTICS" },
        slackChannelFromAccountTag: true,
        organization: { accounts: ["111111111111", "222222222222", "333333333333"] },
      }),
    );
    const worker = Object.values(stack.parsed.resource.aws_lambda_function as Record<string, Json>).find(
      (fn) => fn.handler === "index.worker",
    );
    expect(worker?.environment.variables).toMatchObject({
      SLACK_CHANNELS_BY_ACCOUNT: "111111111111=#team-payments,222222222222=C0ANALYTICS",
      SLACK_CHANNEL_FROM_ACCOUNT_TAG: "true",
    });
    const documents = stack.parsed.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
    const statements = Object.values(documents).flatMap((document) => document.statement);
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: "ReadAccountTags",
        actions: ["organizations:ListTagsForResource"],
        resources: [expect.stringMatching(/^arn:\$\{.*\}:organizations::\*:account\/o-\*\/\*$/)],
      }),
    );
    expect(statements.flatMap((statement) => statement.actions)).not.toContain("organizations:ListAccounts");
  });
});

describe("organization settings are validated at synth", () => {
  it.each([
    [{ accounts: ["12345"] }, 'field "organization.accounts" has invalid entry "12345"'],
    [
      { includeOrganizationalUnits: ["finance"] },
      'field "organization.includeOrganizationalUnits" has invalid entry "finance"',
    ],
    [{ memberRoleName: "has space" }, 'field "organization.memberRoleName" has invalid value "has space"'],
    [{ organizationId: "org-1" }, 'field "organization.organizationId" has invalid value "org-1"'],
    [{ workerMaxConcurrency: 1 }, 'field "organization.workerMaxConcurrency" has invalid value 1'],
    [{ maxReceiveCount: 11 }, 'field "organization.maxReceiveCount" has invalid value 11'],
    [
      { memberRoleStackSet: { organizationalUnits: [] } },
      'field "organization.memberRoleStackSet.organizationalUnits"',
    ],
    [{ accounts: ["111111111111"], excludeOrganizationalUnits: ["ou-ab12-cd34ef56"] }, "cannot be combined"],
    [{ workerMaxConcurency: 3 }, 'unknown field "organization.workerMaxConcurency"'],
    [{ staleAccountAfter: "a day" }, 'field "organization.staleAccountAfter" has invalid value "a day"'],
  ])("%j", (organization, expected) => {
    expect(configProblems(withEnvironment({ organization }))).toEqual([expect.stringContaining(expected)]);
  });

  it("refuses enforcement with organization mode: the member role only reads", () => {
    expect(
      configProblems(withEnvironment({ organization: {}, enforcement: "dry-run", deactivateAge: "120d" })),
    ).toEqual([expect.stringContaining('"enforcement" ("dry-run") is not available with "organization"')]);
  });
});
