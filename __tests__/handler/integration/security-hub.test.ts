import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  TagUserCommand,
  type AccessKey,
} from "@aws-sdk/client-iam";
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { type ProxiedRequest, restJsonError, startMotoProxy } from "../../../scripts/lib/moto-proxy";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { scanAccount } from "../../../handler/scan/scan-account";
import {
  BEST_PRACTICES_TYPE,
  FINDING_GENERATOR_ID,
  type FindingKey,
  findingKeysOf,
} from "../../../handler/security-hub/asff-finding";
import { validateFinding } from "../../../handler/security-hub/validate-finding";
import {
  exportFindings,
  MAX_FINDINGS_PER_IMPORT,
  type SecurityHubExportResult,
} from "../../../handler/security-hub/import-findings";
import { createSecurityHubClient } from "../../../handler/security-hub/security-hub-http";
import type { SecurityHubApi } from "../../../handler/security-hub/security-hub-api";
import { SECURITY_HUB_ACTION_BY_PATH, securityHubActions } from "../../../handler/security-hub/security-hub-contract";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// The Security Hub export against moto, which stores findings and returns them but checks none of the
// ASFF rules and ignores GetFindings filters: the findings are validated here (validateFinding) after
// reading them back, and the project's moto proxy records every Security Hub request (batch
// sizes, pacing, actions) and can answer one itself (throttling, AccessDenied). moto needs no
// EnableSecurityHub before BatchImportFindings or GetFindings.
jest.setTimeout(120_000);

const DAY = 86_400_000;
const OLD_MINUTES = 100 * 24 * 60;
const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const USERS = Array.from({ length: 150 }, (_, i) => `stale-${String(i).padStart(3, "0")}`);
const ROTATED = USERS.slice(0, 10);

/** One Security Hub request the proxy saw. */
interface SeenRequest {
  readonly path: string;
  readonly findings: number;
  readonly answeredByProxy: boolean;
}

/** A canned answer the proxy gives instead of forwarding, once, to the first request on `path`. */
interface CannedAnswer {
  readonly path: string;
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

const pathOf = (request: ProxiedRequest) => request.path.split("?")[0];

/** Findings in an import request's body (0 for other requests). */
function findingsIn(body: Buffer): number {
  try {
    return (JSON.parse(body.toString() || "{}") as { Findings?: unknown[] }).Findings?.length ?? 0;
  } catch {
    return 0; // not JSON: not a Security Hub request
  }
}

/** The project's moto proxy, recording Security Hub requests and answering some itself. */
async function startRecordingProxy(target: string) {
  const proxy = await startMotoProxy(target);
  const seen: SeenRequest[] = [];
  const removers: (() => void)[] = [];
  proxy.observe(({ request, answeredByProxy }) =>
    seen.push({ path: pathOf(request), findings: findingsIn(request.body), answeredByProxy }),
  );
  return {
    endpoint: proxy.endpoint,
    seen,
    answerOnce: (answer: CannedAnswer) =>
      removers.push(
        proxy.add({
          matches: (request) => pathOf(request) === answer.path,
          times: 1,
          answer: () => restJsonError(answer.status, answer.type, answer.message),
        }),
      ),
    reset: () => {
      seen.length = 0;
      for (const remove of removers.splice(0)) remove();
    },
    close: () => proxy.close(),
  };
}

let moto: MotoServer;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let iam: IAMClient;
let reader: SecurityHubClient;
let client: SecurityHubApi;
const importStarts: number[] = [];
let accountId: string;
let keys: Map<string, AccessKey[]>;
const savedEnv: Record<string, string | undefined> = {};

/** Scans the account through the real scan edge and classifies at `now`, like a run. */
async function classifiedKeys(now: Date): Promise<FindingKey[]> {
  const scan = await scanAccount({ iam });
  const { findings } = classifyKeys(scan.inventory, THRESHOLDS, now);
  // Every fifth user's key has a deactivation date, as the enforcement plan would give it.
  const schedules = new Map(
    findings
      .filter((_, index) => index % 5 === 0)
      .map((finding) => [finding.accessKeyId, { kind: "date" as const, date: new Date(now.getTime() + 7 * DAY) }]),
  );
  return findingKeysOf(findings, { schedules });
}

/** One run's export, through the proxy. */
async function runExport(now: Date, signal?: AbortSignal): Promise<SecurityHubExportResult> {
  const result = await exportFindings({
    client,
    accountId,
    keys: await classifiedKeys(now),
    now,
    environment: "integration",
    ...(signal ? { signal } : {}),
  });
  return result;
}

/** Every finding moto holds in the account, read directly (not through the code under test). */
async function storedFindings(): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await reader.send(new GetFindingsCommand({ MaxResults: 100, ...(NextToken ? { NextToken } : {}) }));
    all.push(...(page.Findings ?? []));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return all;
}

const ours = (findings: AwsSecurityFinding[]) => findings.filter((f) => f.GeneratorId === FINDING_GENERATOR_ID);
const importsSent = () => proxy.seen.filter((r) => r.path === "/findings/import" && !r.answeredByProxy);

beforeAll(async () => {
  moto = await startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": [OLD_MINUTES, 0] } });
  proxy = await startRecordingProxy(moto.endpoint);
  // The client under test resolves its endpoint, region and credentials from the environment, as the SDK does.
  const env = { ...moto.awsEnv, AWS_ENDPOINT_URL: proxy.endpoint };
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  const real = createSecurityHubClient();
  // When each import call starts, as the limiter lets it (once per call, before the client's retries):
  // the proxy sees arrivals, which a first request's connection setup delays.
  client = {
    region: () => real.region(),
    getFindings: (request, options) => real.getFindings(request, options),
    batchImportFindings: (request, options) => {
      importStarts.push(Date.now());
      return real.batchImportFindings(request, options);
    },
  };
  iam = new IAMClient(motoClientConfig(moto));
  reader = new SecurityHubClient(motoClientConfig(moto));
  const sts = new STSClient(motoClientConfig(moto));
  accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? "";
  sts.destroy();
  keys = await seedUsers(moto, USERS);
  await iam.send(
    new TagUserCommand({ UserName: "stale-149", Tags: [{ Key: "key-age:owner", Value: "U0123ABCD ops@example.com" }] }),
  );
  // Another product's finding beside ours: the export must never touch it.
  await reader.send(
    new BatchImportFindingsCommand({
      Findings: [
        {
          SchemaVersion: "2018-10-08",
          Id: "prowler-iam_rotate_access_key_90_days-stale-000",
          ProductArn: `arn:aws:securityhub:us-east-1::product/prowler/prowler`,
          GeneratorId: "prowler-iam_rotate_access_key_90_days",
          AwsAccountId: accountId,
          Types: [BEST_PRACTICES_TYPE],
          CreatedAt: new Date().toISOString(),
          UpdatedAt: new Date().toISOString(),
          Severity: { Label: "MEDIUM" },
          Title: "Prowler's own finding",
          Description: "Prowler's own finding",
          Resources: [{ Type: "AwsIamUser", Id: "stale-000" }],
          RecordState: "ACTIVE",
        },
      ],
    }),
  );
});

afterAll(async () => {
  reader?.destroy();
  iam?.destroy();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([proxy?.close(), moto?.stop()]);
});

beforeEach(() => {
  proxy.reset();
  importStarts.length = 0;
});

const start = new Date();

// The steps build on each other, like consecutive scheduled runs.
test("150 stale keys: 150 findings in batches of at most 100, every required field set, a throttled batch retried", async () => {
  proxy.answerOnce({ path: "/findings/import", status: 429, type: "LimitExceededException", message: "Rate exceeded" });
  const result = await runExport(start);
  expect(result).toMatchObject({ imported: 150, archived: 0, failed: 0, rejected: [] });
  expect(result.error).toBeUndefined();

  // Two batches reached moto (the throttled attempt was repeated by the client), none over 100.
  const sent = importsSent();
  expect(sent.map((r) => r.findings)).toEqual([100, 50]);
  expect(Math.max(...sent.map((r) => r.findings))).toBeLessThanOrEqual(MAX_FINDINGS_PER_IMPORT);
  expect(proxy.seen.filter((r) => r.answeredByProxy)).toHaveLength(1);
  expect(result.importRequests).toBe(2);
  // At most 10 requests a second: batches start at least 100 ms apart.
  expect(importStarts).toHaveLength(2);
  expect(importStarts[1] - importStarts[0]).toBeGreaterThanOrEqual(90);
  // Only the declared actions were called.
  expect(new Set(proxy.seen.map((r) => SECURITY_HUB_ACTION_BY_PATH[r.path]))).toEqual(
    new Set(securityHubActions(true)),
  );

  const findings = ours(await storedFindings());
  expect(findings).toHaveLength(150);
  expect(new Set(findings.map((f) => f.Id)).size).toBe(150);
  for (const finding of findings) {
    expect(validateFinding(finding)).toEqual([]);
    expect(finding).toMatchObject({
      SchemaVersion: "2018-10-08",
      ProductArn: `arn:aws:securityhub:us-east-1:${accountId}:product/${accountId}/default`,
      AwsAccountId: accountId,
      GeneratorId: FINDING_GENERATOR_ID,
      Types: [BEST_PRACTICES_TYPE],
      Severity: { Label: "HIGH" },
      RecordState: "ACTIVE",
      Resources: [
        { Type: "AwsIamAccessKey", Details: { AwsIamAccessKey: { PrincipalType: "IAMUser", Status: "Active" } } },
      ],
    });
    expect(finding.Description?.length).toBeLessThanOrEqual(1024);
    expect(finding.ProductFields?.["key-age/Owner"]).toBeDefined();
    expect(finding.ProductFields?.["key-age/DeactivationDate"]).toBeDefined();
  }
  const user149 = findings.find((f) => f.Resources?.[0]?.Details?.AwsIamAccessKey?.PrincipalName === "stale-149");
  expect(user149?.ProductFields?.["key-age/Owner"]).toBe("U0123ABCD ops@example.com");
  expect(user149?.Resources?.[0]?.Details?.AwsIamAccessKey?.AccessKeyId).toBe(keys.get("stale-149")![0].AccessKeyId);
  expect(findings.filter((f) => f.ProductFields?.["key-age/DeactivationDate"] !== "none")).toHaveLength(30);
});

test("the next run updates the 150 findings in place: the same Ids, a new UpdatedAt, no duplicates", async () => {
  const before = new Map(ours(await storedFindings()).map((f) => [f.Id, f]));
  const next = new Date(start.getTime() + 600_000);
  const result = await runExport(next);
  expect(result).toMatchObject({ imported: 150, archived: 0, failed: 0 });
  // The read took two pages: moto returns at most 100 findings a page.
  expect(result.readRequests).toBe(2);

  const after = ours(await storedFindings());
  expect(after).toHaveLength(150);
  for (const finding of after) {
    const previous = before.get(finding.Id);
    expect(previous).toBeDefined();
    expect(finding.CreatedAt).toBe(previous?.CreatedAt);
    expect(finding.UpdatedAt).toBe(next.toISOString());
    expect(validateFinding(finding)).toEqual([]);
  }
});

test("10 rotated keys: their 10 findings are archived, the other 140 stay active, another product's finding is untouched", async () => {
  const rotatedIds = new Set<string>();
  for (const user of ROTATED) {
    const old = keys.get(user)![0];
    rotatedIds.add(old.AccessKeyId!);
    // The new key is young (moto backdates only a user's first key here).
    await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: old.AccessKeyId }));
  }
  const next = new Date(start.getTime() + 1_200_000);
  const result = await runExport(next);
  expect(result).toMatchObject({ imported: 140, archived: 10, failed: 0 });
  expect(importsSent().map((r) => r.findings)).toEqual([100, 50]);

  const all = await storedFindings();
  const findings = ours(all);
  expect(findings).toHaveLength(150);
  const archived = findings.filter((f) => f.RecordState === "ARCHIVED");
  expect(archived).toHaveLength(10);
  expect(new Set(archived.map((f) => f.Resources?.[0]?.Details?.AwsIamAccessKey?.AccessKeyId))).toEqual(rotatedIds);
  for (const finding of archived) {
    expect(validateFinding(finding)).toEqual([]);
    expect(finding.UpdatedAt).toBe(next.toISOString());
    expect(finding.ProductFields?.["key-age/Resolution"]).toMatch(/no longer found/);
  }
  expect(findings.filter((f) => f.RecordState === "ACTIVE")).toHaveLength(140);
  const prowler = all.find((f) => f.GeneratorId !== FINDING_GENERATOR_ID);
  expect(prowler).toMatchObject({
    RecordState: "ACTIVE",
    UpdatedAt: expect.any(String),
    Title: "Prowler's own finding",
  });

  // Archived findings are not archived again.
  proxy.reset();
  const again = await runExport(new Date(start.getTime() + 1_800_000));
  expect(again).toMatchObject({ imported: 140, archived: 0, failed: 0 });
});

test("a Security Hub failure is returned, never thrown: a refused read sends nothing", async () => {
  proxy.answerOnce({ path: "/findings", status: 403, type: "AccessDeniedException", message: "not authorized" });
  const result = await runExport(new Date(start.getTime() + 2_400_000));
  expect(result).toMatchObject({ imported: 0, archived: 0, failed: 140 });
  expect(result.error).toMatch(/^GetFindings failed: AccessDeniedException/);
  expect(proxy.seen.filter((r) => r.path === "/findings/import")).toEqual([]);
});

test("a refused import counts every finding not taken, and names the cause", async () => {
  proxy.answerOnce({ path: "/findings/import", status: 403, type: "AccessDeniedException", message: "not authorized" });
  const result = await runExport(new Date(start.getTime() + 3_000_000));
  expect(result).toMatchObject({ imported: 0, archived: 0, failed: 140 });
  expect(result.error).toMatch(
    /140 of 140 findings not taken by Security Hub: BatchImportFindings failed: AccessDeniedException/,
  );
  // The first batch was refused: the second was never sent.
  expect(proxy.seen.filter((r) => r.path === "/findings/import")).toHaveLength(1);
});

test("a stopped run sends nothing more", async () => {
  const controller = new AbortController();
  controller.abort();
  const result = await runExport(new Date(start.getTime() + 3_600_000), controller.signal);
  expect(result).toMatchObject({ imported: 0, archived: 0, failed: 140, error: "stopped by the run's stop signal" });
  expect(proxy.seen).toEqual([]);
});
