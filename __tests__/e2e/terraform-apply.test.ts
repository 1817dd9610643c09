import { DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { config } from "../../environments";
import { buildApp } from "../../main";
import { MotoServer, startMotoServer } from "../../scripts/lib/moto-server";
import { terraform, terraformEnvironment, terraformOk } from "../../scripts/lib/terraform";

jest.setTimeout(300_000);

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
  const stackDir = (name: string) => path.join(outdir, "stacks", name);

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(os.tmpdir(), "key-age-e2e-"));
    buildApp(config, new App({ outdir })).synth();
    moto = await startMotoServer();
    env = { ...moto.awsEnv, ...terraformEnvironment() };
    const clientConfig = { endpoint: moto.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
    s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    dynamodb = new DynamoDBClient(clientConfig);
    lambda = new LambdaClient({ ...clientConfig, region: config.environments.dev.region });
  });

  afterAll(async () => {
    s3?.destroy();
    dynamodb?.destroy();
    lambda?.destroy();
    await moto?.stop();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("state-backend applies with local state and plans clean", async () => {
    await terraformOk(["init", "-input=false"], stackDir("state-backend"), env);
    await terraformOk(["apply", "-auto-approve", "-input=false"], stackDir("state-backend"), env);
    const plan = await terraform(["plan", "-detailed-exitcode", "-input=false"], stackDir("state-backend"), env);
    expect(plan.code).toBe(0);
  });

  test("monitor-dev applies with its state in the emulated S3 bucket under the DynamoDB lock", async () => {
    const init = await terraformOk(["init", "-input=false"], stackDir("monitor-dev"), env);
    expect(init.stdout).toContain('Successfully configured the backend "s3"');
    await terraformOk(["apply", "-auto-approve", "-input=false"], stackDir("monitor-dev"), env);

    const state = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: STATE_KEY }));
    expect(state.ContentLength).toBeGreaterThan(0);
    expect(state.ServerSideEncryption).toBeDefined();

    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: "iam-key-age-monitor-dev" }));
    expect(fn.Configuration).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], Handler: "index.handler" });
    expect(fn.Configuration?.Environment?.Variables).toMatchObject({
      ENVIRONMENT_NAME: "dev",
      ALERT_STATE_TABLE: "iam-key-age-monitor-dev-alert-state",
    });
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: "iam-key-age-monitor-dev-alert-state" }));
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: "accessKeyId", KeyType: "HASH" }]);
  });

  test("monitor-dev plans clean right after apply", async () => {
    const plan = await terraform(["plan", "-detailed-exitcode", "-input=false"], stackDir("monitor-dev"), env);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
  });

  test("a DynamoDB lock held by someone else makes a concurrent plan fail", async () => {
    const lockId = { LockID: { S: `${bucket}/${STATE_KEY}` } };
    await dynamodb.send(new PutItemCommand({ TableName: lockTable, Item: { ...lockId, Info: { S: foreignLockInfo() } } }));
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

  test("the state bucket refuses to be destroyed while it still holds state (no force_destroy)", async () => {
    const destroy = await terraform(["destroy", "-auto-approve", "-input=false"], stackDir("state-backend"), env);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toMatch(/BucketNotEmpty/);
  });
});
