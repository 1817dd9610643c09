// The organization section of `npm run bench`: N member accounts of M users on moto, scanned through
// the member role behind the counting proxy; the dispatcher against a simulated organization of
// thousands of accounts; and a monthly cost estimate derived from the measured figures.
import { IAMClient } from "@aws-sdk/client-iam";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { accountMessage } from "../handler/organization/account-message";
import { loadConfig } from "../handler/runtime/config/config";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";
import { loadOrganizationConfig } from "../handler/organization/organization-config";
import { accountsToScan } from "../handler/organization/accounts-to-scan";
import { IAM_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { assumeMemberRole } from "../handler/organization/member-credentials";
import { scannerFor } from "../handler/scan/select-scanner";
import { sendAccountMessages } from "../handler/organization/send-account-messages";
import { DEFAULT_MEMORY_MB } from "../modules/key-age-function/key-age-function";
import { ORGANIZATION_DEFAULTS } from "../stacks/organization-settings";
import type { MotoServer } from "../scripts/lib/moto-server";
import { seedOrganization } from "../scripts/lib/seed-organization";
import type { CountingProxy } from "./counting-proxy";
import { seedPopulation } from "./seed-population";

/** Sizes of the organization section. */
export interface OrganizationBenchOptions {
  /** Member accounts seeded in moto. */
  readonly accounts: number;
  /** Users per member account. */
  readonly usersPerAccount: number;
  /** Accounts of the simulated listing the dispatcher handles. */
  readonly dispatchAccounts: number;
  /** The injected round trip per call, ms. */
  readonly roundTripMs: number;
}

// Public prices, us-east-1, as of 2025 (the estimate states them; change them here).
const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  accessAnalyzerUnusedPerPrincipalMonth: 0.2,
} as const;
const RUNS_PER_MONTH = (30 * 24 * 60) / 10; // the default schedule, every 10 minutes
const MEMORY_GB = DEFAULT_MEMORY_MB / 1024;

/** Runs the section against `moto` (reset first) and returns its printed lines. */
export async function organizationBench(
  moto: MotoServer,
  proxy: CountingProxy,
  options: OrganizationBenchOptions,
  table: (headers: string[], rows: (string | number)[][]) => string,
): Promise<string> {
  await moto.reset();
  const aws = {
    endpoint: moto.endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  const accounts = await seedOrganization(
    aws,
    Array.from({ length: options.accounts }, (_, i) => `bench-${i + 1}`),
  );
  const sts = new STSClient({ ...aws, endpoint: proxy.endpoint });
  const credentials = new Map<string, Awaited<ReturnType<typeof assumeMemberRole>>>();
  for (const account of accounts) {
    const assumed = await assumeMemberRole({ sts, accountId: account.id, roleName: "bench-reader" });
    credentials.set(account.id, assumed);
    const iam = new IAMClient({ ...aws, credentials: assumed });
    await seedPopulation(iam, options.usersPerAccount);
    iam.destroy();
  }
  sts.destroy();
  process.stderr.write(`seeded ${options.accounts} accounts × ${options.usersPerAccount} users\n`);

  const scanAccount = async (accountId: string, strategy: string) => {
    const iam = new IAMClient({
      ...aws,
      endpoint: proxy.endpoint,
      ...IAM_CLIENT_CONFIG,
      credentials: credentials.get(accountId)!,
    });
    try {
      const config = loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: strategy });
      return await scannerFor(config, { iam })();
    } finally {
      iam.destroy();
    }
  };
  const fanOut = async (concurrency: number, strategy: string) => {
    proxy.reset();
    const started = performance.now();
    await mapWithConcurrency(accounts, concurrency, (account) => scanAccount(account.id, strategy));
    return { wallMs: performance.now() - started, calls: proxy.total() };
  };

  const callRows: (string | number)[][] = [];
  for (const strategy of ["api", "credential-report"]) {
    const { calls } = await fanOut(1, strategy);
    callRows.push([strategy, options.accounts, options.usersPerAccount, calls, (calls / options.accounts).toFixed(1)]);
  }

  proxy.setDelayMs(options.roundTripMs);
  const concurrency = ORGANIZATION_DEFAULTS.workerMaxConcurrency;
  const sequential = await fanOut(1, "credential-report");
  const parallel = await fanOut(concurrency, "credential-report");
  proxy.setDelayMs(0);
  const speedUp = sequential.wallMs / parallel.wallMs;
  const perAccountMs = sequential.wallMs / options.accounts;

  const dispatch = await simulatedDispatch(options.dispatchAccounts);

  const lines = [
    `\nOrganization mode: ${options.accounts} member accounts × ${options.usersPerAccount} users on moto, scanned through the member role (AssumeRole per account):`,
    table(["strategy", "accounts", "users/account", "IAM calls", "IAM calls per account"], callRows),
    `(per account, the same scan as a single account of ${options.usersPerAccount} users: compare the strategy table above)`,
    `\nAccounts scanned at an injected ${options.roundTripMs} ms round trip (credential-report), one worker at a time vs the default maximum concurrency:`,
    table(
      ["accounts at once", "wall s", "speed-up", "target"],
      [
        [1, (sequential.wallMs / 1000).toFixed(2), "1.0×", ""],
        [
          concurrency,
          (parallel.wallMs / 1000).toFixed(2),
          `${speedUp.toFixed(1)}×`,
          `≥ ${(0.8 * concurrency).toFixed(1)}× (0.8 × C)`,
        ],
      ],
    ),
    `\nDispatcher on a simulated organization (Organizations and SQS answered in process, 20 accounts per ListAccounts page):`,
    table(
      ["accounts", "ListAccounts calls", "SendMessageBatch calls", "wall s", "targets"],
      [
        [
          options.dispatchAccounts,
          dispatch.listCalls,
          dispatch.sendCalls,
          (dispatch.wallMs / 1000).toFixed(2),
          "≤ 600 SQS calls, ≤ 30 s at 5,000",
        ],
      ],
    ),
    costEstimate(options.dispatchAccounts, options.usersPerAccount, perAccountMs, dispatch.wallMs, table),
  ];
  return lines.join("\n");
}

async function simulatedDispatch(count: number): Promise<{ listCalls: number; sendCalls: number; wallMs: number }> {
  const ids = Array.from({ length: count }, (_, i) => String(100_000_000_000 + i));
  const orgMock = mockClient(OrganizationsClient);
  const sqsMock = mockClient(SQSClient);
  orgMock.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
    const start = Number(input.NextToken ?? 0);
    const page = ids.slice(start, start + 20).map((Id) => ({ Id, Name: `account-${Id}`, State: "ACTIVE" }));
    return { Accounts: page, ...(start + 20 < ids.length ? { NextToken: String(start + 20) } : {}) };
  });
  sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  try {
    const started = performance.now();
    const org = new OrganizationsClient({ region: "us-east-1" });
    const sqs = new SQSClient({ region: "us-east-1" });
    const scope = await accountsToScan(loadOrganizationConfig({}), () => org);
    const messages = scope.accounts.map((account) => accountMessage(account, { heartbeat: false }));
    await sendAccountMessages(sqs, "https://sqs.example/queue", messages);
    return {
      listCalls: orgMock.commandCalls(ListAccountsCommand).length,
      sendCalls: sqsMock.commandCalls(SendMessageBatchCommand).length,
      wallMs: performance.now() - started,
    };
  } finally {
    orgMock.restore();
    sqsMock.restore();
  }
}

/** The monthly cost of the default schedule for an organization, from the measured durations. */
function costEstimate(
  accounts: number,
  usersPerAccount: number,
  perAccountMs: number,
  dispatchMs: number,
  table: (headers: string[], rows: (string | number)[][]) => string,
): string {
  const workerGbS = RUNS_PER_MONTH * accounts * (perAccountMs / 1000) * MEMORY_GB;
  const dispatcherGbS = RUNS_PER_MONTH * (dispatchMs / 1000) * MEMORY_GB;
  // Batch size 5: one worker invocation per five accounts.
  const requests = RUNS_PER_MONTH * (1 + Math.ceil(accounts / 5));
  // Sends in tens; receives and deletes roughly one each per five messages, plus empty polls.
  const sqsRequests = RUNS_PER_MONTH * (Math.ceil(accounts / 10) + 2 * Math.ceil(accounts / 5));
  // Per account and run: one GetItem and one PutItem of its scan record, one Scan of the (small) table.
  const readUnits = RUNS_PER_MONTH * accounts * 2;
  const writeUnits = RUNS_PER_MONTH * accounts;
  const lambda = (workerGbS + dispatcherGbS) * PRICES.lambdaArmGbSecond + requests * PRICES.lambdaRequest;
  const sqs = sqsRequests * PRICES.sqsRequest;
  const dynamo = readUnits * PRICES.dynamoReadUnit + writeUnits * PRICES.dynamoWriteUnit;
  const analyzer = accounts * usersPerAccount * PRICES.accessAnalyzerUnusedPerPrincipalMonth;
  const money = (value: number) => `$${value.toFixed(2)}`;
  return [
    `\nEstimated monthly AWS cost, ${accounts} accounts × ${usersPerAccount} users, a run every 10 minutes (${RUNS_PER_MONTH} runs), ${DEFAULT_MEMORY_MB} MB arm64,`,
    `from the measured ${perAccountMs.toFixed(0)} ms per account (at the injected round trip) and ${dispatchMs.toFixed(0)} ms per dispatch.`,
    `Prices assumed (us-east-1, public): Lambda arm64 $${PRICES.lambdaArmGbSecond}/GB-s and $0.20/M requests; SQS $0.40/M requests;`,
    "DynamoDB on demand $0.125/M read and $0.625/M write request units; IAM Access Analyzer unused access $0.20 per user or role per month.",
    table(
      ["item", "quantity per month", "cost"],
      [
        [
          "Lambda compute",
          `${(workerGbS + dispatcherGbS).toFixed(0)} GB-s`,
          money((workerGbS + dispatcherGbS) * PRICES.lambdaArmGbSecond),
        ],
        ["Lambda requests", requests.toLocaleString("en-US"), money(requests * PRICES.lambdaRequest)],
        ["SQS requests", sqsRequests.toLocaleString("en-US"), money(sqs)],
        ["DynamoDB request units", (readUnits + writeUnits).toLocaleString("en-US"), money(dynamo)],
        ["total (key-age monitor)", "", money(lambda + sqs + dynamo)],
        [`IAM Access Analyzer unused access, ${accounts * usersPerAccount} users`, "", money(analyzer)],
      ],
    ),
  ].join("\n");
}
