import { DeleteAccessKeyCommand, IAMClient, type AccessKey } from "@aws-sdk/client-iam";
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { restJsonError, startMotoProxy } from "../../../scripts/lib/moto-proxy";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { FINDING_GENERATOR_ID } from "../../../handler/security-hub/asff-finding";
import { validateFinding } from "../../../handler/security-hub/validate-finding";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// SECURITY_HUB=on through the bundled handler, its real clients (the SDK's, and the hand-written
// Security Hub one) resolving moto through AWS_ENDPOINT_URL: the run posts the Slack digest AND imports one finding per flagged key; the next
// run updates them in place and archives the finding of a rotated key; and with Security Hub refusing
// (AWS_ENDPOINT_URL_SECURITYHUB points at the moto proxy answering AccessDeniedException, as AWS
// does without the member role's new permissions) the digest still goes out, the run succeeds, and
// the failure is logged and counted.
jest.setTimeout(120_000);

const OLD_MINUTES = 100 * 24 * 60;
const ACCOUNT = "123456789012";

/** The project's moto proxy, refusing every Security Hub request as AWS does without the permission. */
async function startRefusingSecurityHub(upstream: string) {
  const proxy = await startMotoProxy(upstream);
  const requests: string[] = [];
  proxy.observe(({ request }) => requests.push(request.path));
  proxy.add({
    matches: () => true,
    answer: () =>
      restJsonError(403, "AccessDeniedException", "User is not authorized to perform: securityhub:GetFindings"),
  });
  return { endpoint: proxy.endpoint, requests, close: () => proxy.close() };
}

let moto: MotoServer;
let slack: FakeSlack;
let refusing: Awaited<ReturnType<typeof startRefusingSecurityHub>>;
let bundle: ReturnType<typeof buildBundle>;
let keys: Map<string, AccessKey[]>;
let reader: SecurityHubClient;
let env: Record<string, string>;

/** Our findings as moto holds them, by key id, read directly (not through the code under test). */
async function storedFindings(): Promise<Map<string, AwsSecurityFinding>> {
  const all: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await reader.send(new GetFindingsCommand({ MaxResults: 100, ...(NextToken ? { NextToken } : {}) }));
    all.push(...(page.Findings ?? []));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return new Map(
    all
      .filter((finding) => finding.GeneratorId === FINDING_GENERATOR_ID)
      .map((finding) => [finding.Resources?.[0]?.Details?.AwsIamAccessKey?.AccessKeyId ?? "", finding]),
  );
}

const keyOf = (user: string) => keys.get(user)?.[0]?.AccessKeyId ?? "";

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": OLD_MINUTES } }),
    startFakeSlack(),
  ]);
  refusing = await startRefusingSecurityHub(moto.endpoint);
  keys = await seedUsers(moto, ["stale-a", "stale-b", "fresh-c"]);
  reader = new SecurityHubClient(motoClientConfig(moto));
  env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "integration",
    SCAN_STRATEGY: "api",
    SECURITY_HUB: "on",
  };
});

afterAll(async () => {
  reader?.destroy();
  await Promise.all([moto?.stop(), slack?.close(), refusing?.close()]);
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

it("posts the digest and imports one finding per flagged key; the next run updates them and archives a rotated key's", async () => {
  const first = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(first.outcomes[0])).toMatchObject({ outcome: "alerted", flaggedKeys: 2, messagesPosted: 1 });
  expect(slack.posts).toHaveLength(1);
  expect(JSON.stringify(slack.posts[0].payload)).toContain("stale-a");

  const imported = await storedFindings();
  expect([...imported.keys()].sort()).toEqual([keyOf("stale-a"), keyOf("stale-b")].sort());
  for (const finding of imported.values()) {
    expect(validateFinding(finding)).toEqual([]);
    expect(finding).toMatchObject({
      AwsAccountId: ACCOUNT,
      Region: moto.awsEnv.AWS_REGION,
      RecordState: "ACTIVE",
      Severity: { Label: "HIGH", Original: "critical" },
      ProductFields: expect.objectContaining({ "key-age/Environment": "integration" }),
    });
  }
  const exported = first.logLines.find((line) => line.message === "Security Hub export finished");
  expect(exported).toMatchObject({
    level: "info",
    requestId: "request-1",
    securityHub: { imported: 2, archived: 0, failed: 0 },
    SecurityHubImportedFindings: 2,
    SecurityHubExportFailed: 0,
    Environment: "integration",
    _aws: { CloudWatchMetrics: [expect.objectContaining({ Namespace: "IamKeyAgeMonitor" })] },
  });
  // The export comes after the digest, before the run's summary line.
  const messages = first.logLines.map((line) => line.message);
  expect(messages.indexOf("Security Hub export finished")).toBeLessThan(messages.indexOf("key-age scan finished"));

  // stale-a rotates its key away: its finding is archived, stale-b's is updated in place.
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(new DeleteAccessKeyCommand({ UserName: "stale-a", AccessKeyId: keyOf("stale-a") }));
  iam.destroy();
  const second = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(second.outcomes[0])).toMatchObject({ flaggedKeys: 1 });
  expect(second.logLines.find((line) => line.message === "Security Hub export finished")).toMatchObject({
    securityHub: { imported: 1, archived: 1, failed: 0 },
  });
  const after = await storedFindings();
  expect(after.size).toBe(2);
  expect(after.get(keyOf("stale-a"))).toMatchObject({
    RecordState: "ARCHIVED",
    ProductFields: expect.objectContaining({ "key-age/Resolution": expect.stringContaining("no longer found") }),
  });
  const updated = after.get(keyOf("stale-b"));
  expect(updated).toMatchObject({ RecordState: "ACTIVE", CreatedAt: imported.get(keyOf("stale-b"))?.CreatedAt });
  expect(Date.parse(updated?.UpdatedAt ?? "")).toBeGreaterThan(
    Date.parse(imported.get(keyOf("stale-b"))?.UpdatedAt ?? ""),
  );
});

it("with Security Hub refusing, the digest still goes out, the run succeeds, and the failure is logged and counted", async () => {
  const before = await storedFindings();
  const run = await runContainer(bundle.bundlePath, { ...env, AWS_ENDPOINT_URL_SECURITYHUB: refusing.endpoint });
  expect(expectSuccess(run.outcomes[0])).toMatchObject({ outcome: "alerted", flaggedKeys: 1, messagesPosted: 1 });
  expect(slack.posts).toHaveLength(1);
  // The endpoint resolution (the SDK's variables) sent Security Hub (and only Security Hub) to the refusing server.
  expect(refusing.requests).toEqual(["/findings"]);
  const failed = run.logLines.find((line) => line.message === "Security Hub export failed");
  expect(failed).toMatchObject({
    level: "warn",
    securityHub: expect.objectContaining({ failed: 1, error: expect.stringContaining("AccessDenied") }),
    SecurityHubExportFailed: 1,
    SecurityHubFailedFindings: 1,
  });
  expect(run.logLines.at(-1)).toMatchObject({ message: "key-age scan finished", level: "info" });
  // Nothing was changed in Security Hub: the next run sends everything again.
  expect(await storedFindings()).toEqual(before);
});
