// The sweep time and the monthly cost of organization mode at scale, computed from what the bench
// measured (per-batch wall time, request units per account run and per dispatch, SQS calls) and the
// configured worker concurrency and batch size: no assumed durations or unit counts.
import { DEFAULT_MEMORY_MB } from "../modules/key-age-function/key-age-function";
import { WORKER_MEMORY_MB } from "../modules/organization-fan-out/organization-fan-out";

// Public prices, us-east-1, as of 2025 (the estimate states them; change them here).
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  accessAnalyzerUnusedPerPrincipalMonth: 0.2,
} as const;

/** The default schedule: a run every 10 minutes. */
export const SCHEDULE_MS = 10 * 60_000;
/** Runs a month on the default schedule. */
export const RUNS_PER_MONTH = (30 * 24 * 60) / 10;

/** What the cost and the sweep are computed from. */
export interface OrganizationCostInput {
  readonly accounts: number;
  readonly usersPerAccount: number;
  /** Messages per worker invocation (the event source mapping's batch size). */
  readonly batchSize: number;
  /** Worker invocations at once (the mapping's maximum concurrency). */
  readonly workerConcurrency: number;
  /** Measured: one worker invocation of a full batch, steady state (nothing new to announce). */
  readonly batchWallMs: number;
  /** Measured: request units of one account's run, steady state. */
  readonly accountReadUnits: number;
  readonly accountWriteUnits: number;
  /** Measured: one dispatch at `accounts` (wall, request units, SendMessageBatch calls). */
  readonly dispatchWallMs: number;
  readonly dispatchReadUnits: number;
  readonly dispatchWriteUnits: number;
  readonly dispatchSendCalls: number;
}

/** The sweep: how long the queue takes to drain once the dispatcher has queued every account. */
export interface Sweep {
  /** Dispatch plus every batch, `workerConcurrency` at a time. */
  readonly ms: number;
  /** Worker concurrency that keeps a sweep within the schedule. */
  readonly concurrencyWithinSchedule: number;
  /** Accounts a sweep covers within the schedule at the configured concurrency. */
  readonly accountsWithinSchedule: number;
}

/** The sweep time of one run at this size (pure). */
export function sweepTime(input: OrganizationCostInput): Sweep {
  const batches = Math.ceil(input.accounts / input.batchSize);
  const rounds = Math.ceil(batches / input.workerConcurrency);
  const available = SCHEDULE_MS - input.dispatchWallMs;
  return {
    ms: input.dispatchWallMs + rounds * input.batchWallMs,
    concurrencyWithinSchedule: Math.ceil((batches * input.batchWallMs) / Math.max(1, available)),
    accountsWithinSchedule:
      Math.floor(available / Math.max(1, input.batchWallMs)) * input.workerConcurrency * input.batchSize,
  };
}

/** The monthly cost, item by item, as table rows (quantity, cost); the total last. */
export function monthlyCost(input: OrganizationCostInput): { rows: (string | number)[][]; total: number } {
  const batches = Math.ceil(input.accounts / input.batchSize);
  // The worker at its own memory (a batch side by side), the dispatcher at the function default.
  const gbSeconds =
    RUNS_PER_MONTH *
    (((batches * input.batchWallMs) / 1000) * (WORKER_MEMORY_MB / 1024) +
      (input.dispatchWallMs / 1000) * (DEFAULT_MEMORY_MB / 1024));
  const requests = RUNS_PER_MONTH * (1 + batches);
  // Sends as measured; the mapping's pollers receive a batch and delete it in one call each.
  const sqsRequests = RUNS_PER_MONTH * (input.dispatchSendCalls + 2 * batches);
  const readUnits = RUNS_PER_MONTH * (input.accounts * input.accountReadUnits + input.dispatchReadUnits);
  const writeUnits = RUNS_PER_MONTH * (input.accounts * input.accountWriteUnits + input.dispatchWriteUnits);
  const lambda = gbSeconds * PRICES.lambdaArmGbSecond + requests * PRICES.lambdaRequest;
  const sqs = sqsRequests * PRICES.sqsRequest;
  const dynamo = readUnits * PRICES.dynamoReadUnit + writeUnits * PRICES.dynamoWriteUnit;
  const money = (value: number) => `$${value.toFixed(2)}`;
  const count = (value: number) => Math.round(value).toLocaleString("en-US");
  return {
    total: lambda + sqs + dynamo,
    rows: [
      [
        "Lambda compute (worker and dispatcher)",
        `${count(gbSeconds)} GB-s`,
        money(gbSeconds * PRICES.lambdaArmGbSecond),
      ],
      ["Lambda requests", count(requests), money(requests * PRICES.lambdaRequest)],
      ["SQS requests (send, receive, delete)", count(sqsRequests), money(sqs)],
      ["DynamoDB read request units", count(readUnits), money(readUnits * PRICES.dynamoReadUnit)],
      ["DynamoDB write request units", count(writeUnits), money(writeUnits * PRICES.dynamoWriteUnit)],
      ["total (key-age monitor)", "", money(lambda + sqs + dynamo)],
      [
        `IAM Access Analyzer unused access, ${count(input.accounts * input.usersPerAccount)} users`,
        "",
        money(input.accounts * input.usersPerAccount * PRICES.accessAnalyzerUnusedPerPrincipalMonth),
      ],
    ],
  };
}
