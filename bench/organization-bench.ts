// The organization section of `npm run bench`: N member accounts of M users on moto, scanned through
// the member role behind the proxy; how a batch shares an invocation's time (the worker's mechanism);
// the worker from the bundle on a batch (wall time, memory, DynamoDB units); one account's reads as
// the organization grows; the dispatcher at thousands of accounts; and from those measurements, the
// sweep time and the monthly cost.
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../handler/runtime/config/config";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";
import { IAM_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { assumeMemberRole, type MemberCredentials } from "../handler/organization/member-credentials";
import { scannerFor } from "../handler/scan/select-scanner";
import { DEFAULT_MEMORY_MB } from "../modules/key-age-function/key-age-function";
import { DEFAULT_BATCH_SIZE, WORKER_MEMORY_MB } from "../modules/organization-fan-out/organization-fan-out";
import { ORGANIZATION_DEFAULTS } from "../stacks/organization-settings";
import { startFakeSlack } from "../scripts/lib/fake-slack";
import { buildBundle } from "../scripts/lib/invoke-bundle";
import type { MotoProxy } from "../scripts/lib/moto-proxy";
import type { MotoServer } from "../scripts/lib/moto-server";
import { seedOrganization } from "../scripts/lib/seed-organization";
import { monthlyCost, PRICES, RUNS_PER_MONTH, sweepTime } from "./organization-cost";
import { createTable, measureDispatch, measureFlatReads, measureWorkerBatch } from "./organization-state-bench";
import { BENCH_INVOCATION, compareBatchMechanisms, mechanismRows } from "./organization-time-bench";
import { seedPopulation } from "./seed-population";

/** Sizes of the organization section. */
export interface OrganizationBenchOptions {
  /** Member accounts seeded in moto (at least 7: a batch of five, and two for the read comparison). */
  readonly accounts: number;
  /** Users per member account. */
  readonly usersPerAccount: number;
  /** Accounts of the simulated listing the dispatcher handles, and of the sweep and the cost. */
  readonly dispatchAccounts: number;
  /** The injected round trip per call, ms. */
  readonly roundTripMs: number;
}

type Table = (headers: string[], rows: (string | number)[][]) => string;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const units = (value: number) => value.toFixed(1);

/** Runs the section against `moto` (reset first) and returns its printed lines. */
export async function organizationBench(
  moto: MotoServer,
  proxy: MotoProxy,
  options: OrganizationBenchOptions,
  table: Table,
): Promise<string> {
  if (options.accounts < 7) throw new Error("--accounts must be at least 7 for the organization section");
  await moto.reset();
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const aws = {
    endpoint: moto.endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  const accounts = await seedOrganization(
    aws,
    Array.from({ length: options.accounts }, (_, i) => `bench-${i + 1}`),
  );
  // Through the proxy: it learns each session's account, to throttle one account's IAM later.
  const sts = new STSClient({ ...aws, endpoint: proxy.endpoint });
  const credentials = new Map<string, MemberCredentials>();
  for (const account of accounts) {
    const assumed = await assumeMemberRole({ sts, accountId: account.id, roleName: "bench-reader" });
    credentials.set(account.id, assumed);
    const iam = new IAMClient({ ...aws, credentials: assumed });
    await seedPopulation(iam, options.usersPerAccount);
    iam.destroy();
  }
  sts.destroy();
  progress(`seeded ${options.accounts} accounts × ${options.usersPerAccount} users`);

  const scanAccount = async (accountId: string, strategy: string) => {
    const iam = new IAMClient({
      ...aws,
      endpoint: proxy.endpoint,
      ...IAM_CLIENT_CONFIG,
      credentials: credentials.get(accountId) as MemberCredentials,
    });
    try {
      return await scannerFor(loadConfig({ DRY_RUN: "true", SCAN_STRATEGY: strategy }), { iam })();
    } finally {
      iam.destroy();
    }
  };
  const callRows: (string | number)[][] = [];
  for (const strategy of ["api", "credential-report"]) {
    proxy.reset();
    await mapWithConcurrency(accounts, 1, (account) => scanAccount(account.id, strategy));
    const calls = proxy.total("iam");
    callRows.push([strategy, options.accounts, options.usersPerAccount, calls, (calls / options.accounts).toFixed(1)]);
  }

  const mechanisms = await compareBatchMechanisms({
    aws,
    proxy,
    accounts: accounts.slice(0, DEFAULT_BATCH_SIZE),
    credentials,
    progress,
  });

  const bundle = buildBundle();
  const slack = await startFakeSlack();
  try {
    const workerEnv = (tableName: string) => ({
      ...moto.awsEnv,
      AWS_ENDPOINT_URL: proxy.endpoint,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      ENVIRONMENT_NAME: "bench",
      ALERT_STATE_TABLE: tableName,
    });
    await createTable(aws, "bench-org-state");
    proxy.setDelayMs(options.roundTripMs);
    const batch = await measureWorkerBatch({
      bundlePath: bundle.bundlePath,
      env: workerEnv("bench-org-state"),
      proxy,
      tableName: "bench-org-state",
      accounts: accounts.slice(0, DEFAULT_BATCH_SIZE),
    });
    progress(`worker batch: ${seconds(batch.first.wallMs)} s first, ${seconds(batch.steady.wallMs)} s steady`);
    const dispatchTable = "bench-org-dispatch";
    await createTable(aws, dispatchTable);
    const dispatch = await measureDispatch({ aws, proxy, tableName: dispatchTable, count: options.dispatchAccounts });
    proxy.setDelayMs(0);
    progress(`dispatch of ${options.dispatchAccounts}: ${seconds(dispatch.steady.wallMs)} s`);

    await createTable(aws, "bench-org-flat");
    const flatInput = {
      aws,
      bundlePath: bundle.bundlePath,
      env: workerEnv("bench-org-flat"),
      proxy,
      tableName: "bench-org-flat",
    };
    const few = await measureFlatReads({ ...flatInput, account: accounts[5]!, others: 10, othersSeeded: 0 });
    const many = await measureFlatReads({ ...flatInput, account: accounts[6]!, others: 1_000, othersSeeded: 10 });
    progress(`reads of one account: ${few.run.itemsRead} items with 10 others, ${many.run.itemsRead} with 1,000`);

    const perAccount = (value: number) => value / DEFAULT_BATCH_SIZE;
    const costInput = {
      accounts: options.dispatchAccounts,
      usersPerAccount: options.usersPerAccount,
      batchSize: DEFAULT_BATCH_SIZE,
      workerConcurrency: ORGANIZATION_DEFAULTS.workerMaxConcurrency,
      batchWallMs: batch.steady.wallMs,
      accountReadUnits: perAccount(batch.steady.traffic.readUnits),
      accountWriteUnits: perAccount(batch.steady.traffic.writeUnits),
      dispatchWallMs: dispatch.steady.wallMs,
      dispatchReadUnits: dispatch.steady.traffic.readUnits,
      dispatchWriteUnits: dispatch.steady.traffic.writeUnits,
      dispatchSendCalls: dispatch.sendCalls,
    };
    const sweep = sweepTime(costInput);
    const cost = monthlyCost(costInput);
    return [
      `\nOrganization mode: ${options.accounts} member accounts × ${options.usersPerAccount} users on moto, scanned through the member role (AssumeRole per account):`,
      table(["strategy", "accounts", "users/account", "IAM calls", "IAM calls per account"], callRows),
      `\nA batch of ${DEFAULT_BATCH_SIZE} accounts, the first one's IAM throttled on every call, in one invocation of ${BENCH_INVOCATION.timeMs / 1000} s (delivery margin ${BENCH_INVOCATION.deliveryMarginMs / 1000} s, in-flight ${BENCH_INVOCATION.inFlightAllowanceMs / 1000} s: a fifth of the deployed 300/30/10 s), credential-report scans:`,
      table(
        ["how the accounts share the invocation", "healthy accounts scanned", "throttled account", "wall s"],
        mechanismRows(mechanisms),
      ),
      `\nThe worker from the bundle on one batch of ${DEFAULT_BATCH_SIZE} accounts × ${options.usersPerAccount} users at an injected ${options.roundTripMs} ms round trip, with the state table (request units of the whole batch):`,
      table(
        ["run", "wall s", "peak MB", "DynamoDB calls", "items read", "read units", "write units"],
        [
          ["first (every stale key announced)", batch.first],
          ["steady (nothing new)", batch.steady],
        ].map(([label, run]) => {
          const measured = run as typeof batch.first;
          return [
            label as string,
            seconds(measured.wallMs),
            measured.peakMb.toFixed(0),
            Object.entries(measured.traffic.calls)
              .map(([action, n]) => `${n} ${action}`)
              .join(", "),
            measured.traffic.itemsRead,
            units(measured.traffic.readUnits),
            units(measured.traffic.writeUnits),
          ];
        }),
      ),
      `\nOne account's worker run with other accounts' records in the table (${21} items each, the account's own partition alike), against one consistent Scan of the whole table (what every run read before, up to four times):`,
      table(
        ["other accounts", "items read by the run", "its read units", "Scan of the table: items", "Scan: read units"],
        [few, many].map((reads) => [
          reads.others.toLocaleString("en-US"),
          reads.run.itemsRead,
          units(reads.run.readUnits),
          reads.scanOfTable.itemsRead.toLocaleString("en-US"),
          units(reads.scanOfTable.readUnits),
        ]),
      ),
      `ratio 1,000 : 10 = ${(many.run.itemsRead / Math.max(1, few.run.itemsRead)).toFixed(2)} (target ≤ 1.2)`,
      `\nDispatcher on ${options.dispatchAccounts.toLocaleString("en-US")} accounts (Organizations and SQS answered in process, 20 accounts per ListAccounts page; its DynamoDB on moto at the injected round trip):`,
      table(
        ["run", "ListAccounts calls", "SendMessageBatch calls", "wall s", "read units", "write units"],
        [
          [
            "first",
            dispatch.listCalls,
            dispatch.sendCalls,
            seconds(dispatch.first.wallMs),
            units(dispatch.first.traffic.readUnits),
            units(dispatch.first.traffic.writeUnits),
          ],
          [
            "every account answered since",
            dispatch.listCalls,
            dispatch.sendCalls,
            seconds(dispatch.steady.wallMs),
            units(dispatch.steady.traffic.readUnits),
            units(dispatch.steady.traffic.writeUnits),
          ],
        ],
      ),
      `\nSweep of ${options.dispatchAccounts.toLocaleString("en-US")} accounts: ${seconds(sweep.ms)} s = the dispatch + ${Math.ceil(options.dispatchAccounts / DEFAULT_BATCH_SIZE / ORGANIZATION_DEFAULTS.workerMaxConcurrency)} rounds of ${ORGANIZATION_DEFAULTS.workerMaxConcurrency} worker invocations (the default workerMaxConcurrency) × ${seconds(batch.steady.wallMs)} s per batch of ${DEFAULT_BATCH_SIZE}; within the 10-minute schedule from workerMaxConcurrency ${sweep.concurrencyWithinSchedule} (at ${ORGANIZATION_DEFAULTS.workerMaxConcurrency}, a sweep covers about ${sweep.accountsWithinSchedule.toLocaleString("en-US")} accounts in 10 minutes; a slower sweep never grows the queue: accounts still in flight are not queued again).`,
      `\nMonthly cost, ${options.dispatchAccounts.toLocaleString("en-US")} accounts × ${options.usersPerAccount} users, a run every 10 minutes (${RUNS_PER_MONTH} runs), arm64 (worker ${WORKER_MEMORY_MB} MB, dispatcher ${DEFAULT_MEMORY_MB} MB), from the measured steady-state batch (${seconds(batch.steady.wallMs)} s, ${units(costInput.accountReadUnits)} read and ${units(costInput.accountWriteUnits)} write units per account) and dispatch; prices: Lambda arm64 $${PRICES.lambdaArmGbSecond}/GB-s and $0.20/M requests, SQS $0.40/M requests, DynamoDB on demand $0.125/M read and $0.625/M write units, IAM Access Analyzer unused access $0.20 per user or role per month.`,
      table(["item", "quantity per month", "cost"], cost.rows),
    ].join("\n");
  } finally {
    proxy.setDelayMs(0);
    await slack.close();
    bundle.cleanup();
  }
}
