import { DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { App } from "cdktf";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { bootstrapStateBackend } from "../../scripts/lib/bootstrap-state-backend";
import { MotoServer, startMotoServer } from "../../scripts/lib/moto-server";
import { runProcess } from "../../scripts/lib/run-process";
import { waitForStateBackend } from "../../scripts/lib/state-backend-ready";
import { type TerraformResult, terraform, terraformEnvironment, terraformOk } from "../../scripts/lib/terraform";

// Per test. The longest (two bootstraps, monitor-dev's apply beside them) took 173 s with this file
// alone and 193 s beside the other e2e files on a 2-core machine shared with other test suites (load
// average 12 to 15), and more than 300 s there beside the whole suite: twice that. README, Testing.
jest.setTimeout(600_000);

const { bucket, lockTable, region } = config.stateBackend;
const STATE_KEY = "monitor-dev/terraform.tfstate";

/** What another Terraform run writes when it holds the lock. */
function foreignLockInfo(): string {
  return JSON.stringify({
    ID: "6f0e6a5c-0000-4000-8000-000000000001",
    Operation: "OperationTypeApply",
    Info: "",
    Who: "someone-else@another-laptop",
    Version: "1.11.4",
    Created: new Date().toISOString(),
    Path: `${bucket}/${STATE_KEY}`,
  });
}

describe("terraform apply of the synthesized stacks on a local AWS emulator", () => {
  let moto: MotoServer;
  let outdir: string;
  let env: Record<string, string>;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  let lambda: LambdaClient;
  // monitor-dev's init and apply, started by the first test as soon as the bucket and the lock table
  // exist (the bootstrap then waits out the provider's lifecycle wait); the second test checks it.
  let monitorApplied: Promise<TerraformResult> | undefined;
  const stackDir = (name: string) => path.join(outdir, "stacks", name);
  const awsClientConfig = (clientRegion: string) => ({
    endpoint: moto.endpoint,
    region: clientRegion,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(os.tmpdir(), "key-age-e2e-"));
    buildApp(config, new App({ outdir })).synth();
    moto = await startMotoServer();
    env = { ...moto.awsEnv, ...terraformEnvironment(outdir) };
    s3 = new S3Client({ ...awsClientConfig(region), forcePathStyle: true });
    dynamodb = new DynamoDBClient(awsClientConfig(region));
    lambda = new LambdaClient(awsClientConfig(config.environments.dev.region));
  });

  afterAll(async () => {
    // Never stop moto under a running apply.
    await monitorApplied?.catch(() => undefined);
    s3?.destroy();
    dynamodb?.destroy();
    lambda?.destroy();
    await moto?.stop();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("the bootstrap creates the backend and moves its own state into the bucket; a second run changes nothing", async () => {
    const bootstrap = bootstrapStateBackend({ stackDir: stackDir("state-backend"), env });
    monitorApplied = waitForStateBackend({ ...awsClientConfig(region), region }, { bucket, lockTable, bootstrap }).then(
      async () => {
        const init = await terraformOk(["init", "-input=false"], stackDir("monitor-dev"), env);
        await terraformOk(["apply", "-auto-approve", "-input=false"], stackDir("monitor-dev"), env);
        return init;
      },
    );
    // Checked by the next test; a failure must not count as an unhandled rejection before that.
    monitorApplied.catch(() => undefined);
    const first = await bootstrap;
    expect(first).toMatchObject({ step: "apply-locally-then-migrate", changed: true });
    expect(first.stateLocation).toBe(`s3://${bucket}/state-backend/terraform.tfstate`);
    const state = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "state-backend/terraform.tfstate" }));
    expect(state.ContentLength).toBeGreaterThan(0);
    expect(existsSync(path.join(stackDir("state-backend"), "terraform.state-backend.tfstate"))).toBe(false);

    const second = await bootstrapStateBackend({ stackDir: stackDir("state-backend"), env });
    expect(second).toMatchObject({ step: "update-remote", changed: false });
    const plan = await terraform(["plan", "-detailed-exitcode", "-input=false"], stackDir("state-backend"), env);
    expect(plan.code).toBe(0);
  });

  test("monitor-dev applies with its state in the emulated S3 bucket under the DynamoDB lock", async () => {
    const init = await monitorApplied;
    expect(init?.stdout).toContain('Successfully configured the backend "s3"');

    const state = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: STATE_KEY }));
    expect(state.ContentLength).toBeGreaterThan(0);
    expect(state.ServerSideEncryption).toBeDefined();

    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: "iam-key-age-monitor-dev" }));
    expect(fn.Configuration).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
    });
    expect(fn.Configuration?.Environment?.Variables).toMatchObject({
      ENVIRONMENT_NAME: "dev",
      ALERT_STATE_TABLE: "iam-key-age-monitor-dev-account-state",
      LEGACY_ALERT_STATE_TABLE: "iam-key-age-monitor-dev-alert-state",
    });
    // Partitioned by account, items sorted by kind; the previous layout's `removed` block changed nothing.
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: "iam-key-age-monitor-dev-account-state" }));
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: "accountId", KeyType: "HASH" },
      { AttributeName: "itemKey", KeyType: "RANGE" },
    ]);
  });

  test("failed runs are kept in an encrypted queue, runs never overlap, and alarms notify an encrypted topic", async () => {
    const functionName = "iam-key-age-monitor-dev";
    const invokeConfig = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName }));
    expect(invokeConfig).toMatchObject({ MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 });
    const destination = invokeConfig.DestinationConfig?.OnFailure?.Destination ?? "";
    expect(destination).toMatch(/:iam-key-age-monitor-dev-failed-runs$/);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName })))
        .ReservedConcurrentExecutions,
    ).toBe(1);

    const sqs = new SQSClient(awsClientConfig(config.environments.dev.region));
    const sns = new SNSClient(awsClientConfig(config.environments.dev.region));
    const cloudwatch = new CloudWatchClient(awsClientConfig(config.environments.dev.region));
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${functionName}-failed-runs` }));
      const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
      expect(queue.Attributes).toMatchObject({ QueueArn: destination, SqsManagedSseEnabled: "true" });

      const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: functionName }));
      expect(MetricAlarms.map((alarm) => alarm.MetricName).sort()).toEqual(
        [
          "ApproximateNumberOfMessagesVisible",
          "DestinationDeliveryFailures",
          "Errors",
          "ExposedKeys",
          "Throttles",
          "UncheckedUsers",
        ].sort(),
      );
      const topics = new Set(MetricAlarms.flatMap((alarm) => alarm.AlarmActions ?? []));
      expect(topics.size).toBe(1);
      const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: [...topics][0] }));
      expect(topic.Attributes?.KmsMasterKeyId).toMatch(/^arn:aws:kms:/);
    } finally {
      sqs.destroy();
      sns.destroy();
      cloudwatch.destroy();
    }
  });

  test("monitor-dev has its dashboard and outputs where to open it", async () => {
    const cloudwatch = new CloudWatchClient(awsClientConfig(config.environments.dev.region));
    try {
      const dashboard = await cloudwatch.send(new GetDashboardCommand({ DashboardName: "iam-key-age-monitor-dev" }));
      const titles = JSON.parse(dashboard.DashboardBody ?? "{}").widgets.map(
        (widget: { properties: { title: string } }) => widget.properties.title,
      );
      expect(titles).toEqual(expect.arrayContaining(["Flagged keys by status", "Failed runs waiting in the queue"]));
    } finally {
      cloudwatch.destroy();
    }
    const outputs = JSON.parse((await terraformOk(["output", "-json"], stackDir("monitor-dev"), env)).stdout);
    expect(outputs.dashboard_url.value).toBe(
      `https://${config.environments.dev.region}.console.aws.amazon.com/cloudwatch/home?region=${config.environments.dev.region}#dashboards/dashboard/iam-key-age-monitor-dev`,
    );
  });

  test("monitor-dev plans clean right after apply", async () => {
    const plan = await terraform(["plan", "-detailed-exitcode", "-input=false"], stackDir("monitor-dev"), env);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
  });

  test("`cdktf diff monitor-dev`, the user's own command, synthesizes and shows no changes", async () => {
    const ROOT = path.join(__dirname, "..", "..");
    // --skip-provider-lock: `terraform providers lock` needs the public registry, which CI cannot reach.
    const diff = await runProcess("npx", ["cdktf", "diff", "monitor-dev", "--skip-provider-lock"], {
      cwd: ROOT,
      env: { ...process.env, ...env, CI: "true", FORCE_COLOR: "0" },
    });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("No changes. Your infrastructure matches the configuration.");
  });

  test("a DynamoDB lock held by someone else makes a concurrent plan fail", async () => {
    const lockId = { LockID: { S: `${bucket}/${STATE_KEY}` } };
    await dynamodb.send(
      new PutItemCommand({ TableName: lockTable, Item: { ...lockId, Info: { S: foreignLockInfo() } } }),
    );
    try {
      const plan = await terraform(["plan", "-lock-timeout=2s", "-input=false"], stackDir("monitor-dev"), env);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain("Error acquiring the state lock");
      expect(plan.stderr).toContain("someone-else@another-laptop");
    } finally {
      await dynamodb.send(new DeleteItemCommand({ TableName: lockTable, Key: lockId }));
    }
  });

  test("an S3 lock file held by someone else makes a concurrent plan fail", async () => {
    const lockKey = `${STATE_KEY}.tflock`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockKey, Body: foreignLockInfo() }));
    try {
      const plan = await terraform(["plan", "-lock-timeout=2s", "-input=false"], stackDir("monitor-dev"), env);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain("Error acquiring the state lock");
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: lockKey }));
    }
  });

  test("with the lock released, plan succeeds again and destroy removes everything", async () => {
    const plan = await terraform(["plan", "-detailed-exitcode", "-input=false"], stackDir("monitor-dev"), env);
    expect(plan.code).toBe(0);
    await terraformOk(["destroy", "-auto-approve", "-input=false"], stackDir("monitor-dev"), env);
    const list = await terraformOk(["state", "list"], stackDir("monitor-dev"), env);
    expect(list.stdout.trim()).toBe("");
  });

  test("the state backend refuses destruction: prevent_destroy stops the plan, DynamoDB deletion protection the table", async () => {
    const dir = stackDir("state-backend");
    const destroy = await terraform(["destroy", "-auto-approve", "-input=false"], dir, env);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain("Instance cannot be destroyed");
    expect(destroy.stderr).toContain("lifecycle.prevent_destroy");

    // Even a destroy aimed at the lock table alone, which Terraform plans, is refused by DynamoDB.
    const stack = JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const table = `aws_dynamodb_table.${Object.keys(stack.resource.aws_dynamodb_table)[0]}`;
    const targeted = await terraform(["destroy", "-auto-approve", "-input=false", `-target=${table}`], dir, env);
    expect(targeted.code).toBe(1);
    expect(targeted.stderr).toContain("DeletionProtectionEnabled");

    const described = await dynamodb.send(new DescribeTableCommand({ TableName: lockTable }));
    expect(described.Table?.DeletionProtectionEnabled).toBe(true);
    const state = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "state-backend/terraform.tfstate" }));
    expect(state.ContentLength).toBeGreaterThan(0);
  });
});
