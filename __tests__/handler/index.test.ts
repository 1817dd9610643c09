import type * as IamModule from "@aws-sdk/client-iam";
import type * as SsmModule from "@aws-sdk/client-ssm";
import type * as StsModule from "@aws-sdk/client-sts";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import { IAM_BACKOFF } from "../../handler/runtime/client-config";
import type * as HandlerModule from "../../handler/index";

// The Lambda entry in-process, with the AWS clients mocked: what lives per container and how the
// clients are configured. The bundled artifact is exercised end to end in integration/.
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";
const CONTEXT = { invokedFunctionArn: "arn:aws:lambda:eu-west-1:210987654321:function:f", awsRequestId: "r-1" };

interface Container {
  readonly handler: typeof HandlerModule.handler;
  readonly iam: AwsStub<IamModule.ServiceInputTypes, IamModule.ServiceOutputTypes, IamModule.IAMClientResolvedConfig>;
  readonly ssm: AwsStub<SsmModule.ServiceInputTypes, SsmModule.ServiceOutputTypes, SsmModule.SSMClientResolvedConfig>;
  readonly sts: AwsStub<StsModule.ServiceInputTypes, StsModule.ServiceOutputTypes, StsModule.STSClientResolvedConfig>;
}

const savedEnv = process.env;
let fetchSpy: jest.SpyInstance;
let logSpy: jest.SpyInstance;

/** A fresh module registry is a fresh container; the SDK classes it loads are the ones to mock. */
function freshContainer(env: Record<string, string>): Container {
  // The IAM mock answers the per-user walk; the credential-report scan has its own tests.
  process.env = { ...savedEnv, AWS_REGION: "eu-west-1", SCAN_STRATEGY: "api", ...env };
  let container: Container | undefined;
  jest.isolateModules(() => {
    const iamModule = require("@aws-sdk/client-iam") as typeof IamModule;
    const ssmModule = require("@aws-sdk/client-ssm") as typeof SsmModule;
    const stsModule = require("@aws-sdk/client-sts") as typeof StsModule;
    const iam = mockClient(iamModule.IAMClient);
    iam.on(iamModule.ListUsersCommand).resolves({ Users: [{ UserName: "alice" } as never] });
    iam.on(iamModule.ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { AccessKeyId: "AKIAALICE00000000001", Status: "Active", CreateDate: new Date(Date.now() - 100 * 86_400_000) },
      ],
    });
    iam.on(iamModule.GetAccountSummaryCommand).resolves({ SummaryMap: { AccountAccessKeysPresent: 0 } });
    iam
      .on(iamModule.GetAccessKeyLastUsedCommand)
      .resolves({ AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } });
    const ssm = mockClient(ssmModule.SSMClient);
    ssm.on(ssmModule.GetParameterCommand).resolves({ Parameter: { Value: WEBHOOK } });
    const sts = mockClient(stsModule.STSClient);
    sts.on(stsModule.GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    const { handler } = require("../../handler/index") as typeof HandlerModule;
    container = { handler, iam, ssm, sts };
  });
  return container!;
}

beforeEach(() => {
  fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("ok", { status: 200 }));
  logSpy = jest.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => {
  process.env = savedEnv;
  jest.restoreAllMocks();
});

it("reads config and the SSM webhook once per container, and the account from the function ARN", async () => {
  const { handler, ssm, sts } = freshContainer({ SLACK_WEBHOOK_PARAMETER: "/hook", ENVIRONMENT_NAME: "prod" });
  const first = await handler({}, CONTEXT);
  process.env.ENVIRONMENT_NAME = "changed-after-start";
  const second = await handler({}, CONTEXT);

  expect(first).toMatchObject({
    outcome: "alerted",
    accountId: "210987654321",
    environment: "prod",
    counts: { critical: 1 },
  });
  expect(second).toMatchObject({ environment: "prod" });
  expect(ssm.calls()).toHaveLength(1);
  expect(ssm.call(0).args[0].input).toEqual({ Name: "/hook", WithDecryption: true });
  expect(sts.calls()).toHaveLength(0);
  expect(fetchSpy).toHaveBeenCalledTimes(2);
  expect(fetchSpy.mock.calls[0][0]).toBe(WEBHOOK);
  const lines = logSpy.mock.calls.map(([line]) => JSON.parse(String(line)));
  expect(lines.map((line) => [line.requestId, line.message])).toEqual([
    ["r-1", "key-age scan finished"],
    ["r-1", "key-age scan finished"],
  ]);
  expect(JSON.stringify(lines)).not.toContain("XXXXsecretXXXX");
});

it("builds the IAM client with the backoff the bench chose (no client-side rate limiter, no retry quota)", async () => {
  const { handler, iam } = freshContainer({ SLACK_WEBHOOK_URL: WEBHOOK });
  await handler({}, CONTEXT);
  const client = iam.call(0).thisValue as IamModule.IAMClient;
  // The module registry is isolated, so the class is recognised by name.
  const strategy = await client.config.retryStrategy();
  expect(strategy.constructor.name).toBe("BackoffRetryStrategy");
  expect(strategy).not.toHaveProperty("mode"); // neither the SDK's `standard` nor its `adaptive`
  await expect(client.config.maxAttempts()).resolves.toBe(IAM_BACKOFF.maxAttempts);
});

it("asks STS for the account when there is no function ARN (CLI-style call)", async () => {
  const { handler, sts } = freshContainer({ DRY_RUN: "true" });
  await expect(handler({})).resolves.toMatchObject({ accountId: "123456789012", outcome: "dry-run" });
  expect(sts.calls()).toHaveLength(1);
  expect(fetchSpy).not.toHaveBeenCalled();
});

it("fails every invocation of a misconfigured container with all problems listed", async () => {
  const { handler, iam } = freshContainer({ WARNING_AGE: "80", CRITICAL_AGE: "ninety" });
  await expect(handler({}, CONTEXT)).rejects.toThrow(/WARNING_AGE="80"[\s\S]*CRITICAL_AGE="ninety"[\s\S]*both unset/);
  await expect(handler({}, CONTEXT)).rejects.toThrow(/WARNING_AGE="80"/);
  expect(iam.calls()).toHaveLength(0);
  expect(JSON.parse(String(logSpy.mock.calls[0][0]))).toMatchObject({
    level: "error",
    errorName: "ConfigError",
    requestId: "r-1",
  });
});
