import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { FINDING_GENERATOR_ID } from "../../../handler/security-hub/asff-finding";
import { validateFinding } from "../../../handler/security-hub/validate-finding";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";

// Organization mode with SECURITY_HUB=on, through the bundled worker: Security Hub takes findings only
// from the account they are about, so each account's findings are imported through its member role
// into that account's own Security Hub, and the management account's gets none of them. (moto checks
// no role or permission: the member role's grant is shown by the synth tests.)
jest.setTimeout(120_000);

const MANAGEMENT = "123456789012";

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let payments: SeededAccount;
let analytics: SeededAccount;
let paymentsKeys: string[];
let analyticsKeys: string[];

/** Our findings in one account's Security Hub, read with credentials of that account. */
async function findingsIn(accountId: string): Promise<AwsSecurityFinding[]> {
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } =
    motoClientConfig(moto).credentials;
  if (accountId !== MANAGEMENT) {
    const sts = new STSClient(motoClientConfig(moto));
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/reader`, RoleSessionName: "read" }),
    );
    sts.destroy();
    credentials = {
      accessKeyId: Credentials?.AccessKeyId ?? "",
      secretAccessKey: Credentials?.SecretAccessKey ?? "",
      sessionToken: Credentials?.SessionToken ?? "",
    };
  }
  const reader = new SecurityHubClient({ ...motoClientConfig(moto), credentials });
  const { Findings = [] } = await reader.send(new GetFindingsCommand({ MaxResults: 100 }));
  reader.destroy();
  return Findings.filter((finding) => finding.GeneratorId === FINDING_GENERATOR_ID);
}

const sqsEvent = (accounts: readonly SeededAccount[]) => ({
  Records: accounts.map((account, index) => ({
    messageId: `message-${index}`,
    receiptHandle: `receipt-${index}`,
    body: JSON.stringify({ accountId: account.id, accountName: account.name, eventId: "tick-1" }),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:${MANAGEMENT}:key-age-accounts`,
    awsRegion: "us-east-1",
  })),
});

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  [payments, analytics] = await seedOrganization(moto, ["payments", "analytics"]);
  paymentsKeys = await seedMemberUsers(moto, payments.id, ["stale-deployer", "fresh-ci"]);
  analyticsKeys = await seedMemberUsers(moto, analytics.id, ["stale-etl"]);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

it("imports each account's findings through its member role, into that account's own Security Hub", async () => {
  const env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    SECURITY_HUB: "on",
  };
  const run = await runContainer(bundle.bundlePath, env, {
    handlerName: "worker",
    events: [sqsEvent([payments, analytics])],
  });
  expect(expectSuccess(run.outcomes[0])).toEqual({ batchItemFailures: [] });
  expect(slack.posts.length).toBeGreaterThanOrEqual(2);

  const inPayments = await findingsIn(payments.id);
  expect(inPayments.map((finding) => finding.Resources?.[0]?.Details?.AwsIamAccessKey?.AccessKeyId)).toEqual([
    paymentsKeys[0],
  ]);
  expect(inPayments[0]).toMatchObject({
    AwsAccountId: payments.id,
    ProductArn: `arn:aws:securityhub:us-east-1:${payments.id}:product/${payments.id}/default`,
  });
  expect(validateFinding(inPayments[0])).toEqual([]);
  const inAnalytics = await findingsIn(analytics.id);
  expect(inAnalytics.map((finding) => [finding.AwsAccountId, finding.Id])).toEqual([
    [analytics.id, `${FINDING_GENERATOR_ID}/${analytics.id}/${analyticsKeys[0]}`],
  ]);
  expect(await findingsIn(MANAGEMENT)).toEqual([]);

  const exports = run.logLines.filter((line) => line.message === "Security Hub export finished");
  expect(exports.map((line) => [line.account, (line.securityHub as { imported: number }).imported]).sort()).toEqual(
    [
      [analytics.id, 1],
      [payments.id, 1],
    ].sort(),
  );
});
