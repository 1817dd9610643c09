import { errorMessage } from "../handler/runtime/error-fields";
import { IAMClient, type IAMClientConfig } from "@aws-sdk/client-iam";
import { classifyKeys, type Classification } from "../handler/scan/classify";
import { loadConfig } from "../handler/runtime/config/config";
import { BackoffRetryStrategy } from "../handler/runtime/backoff-retry-strategy";
import { IAM_BACKOFF, IAM_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { scanAccount } from "../handler/scan/scan-account";
import type { MotoServer } from "../scripts/lib/moto-server";
import type { MotoProxy, ThrottlingMode } from "../scripts/lib/moto-proxy";

/** One retry policy under test: the IAM client's retry settings and the scan's concurrency. */
export interface RetryPolicy {
  /** How the table names it. */
  readonly label: string;
  /** Retry settings of the IAM client. */
  readonly client: Pick<IAMClientConfig, "retryMode" | "maxAttempts" | "retryStrategy">;
  /** Users scanned at once. */
  readonly concurrency: number;
}

const DEFAULT_CONCURRENCY = loadConfig({ DRY_RUN: "true" }).scanConcurrency;

/**
 * The policies `npm run bench` compares: the SDK's two modes (and `standard` with more attempts), the
 * default, and the default's backoff at other concurrencies.
 */
export const RETRY_POLICIES: readonly RetryPolicy[] = [
  {
    label: `SDK adaptive, 10 attempts, concurrency ${DEFAULT_CONCURRENCY}`,
    client: { retryMode: "adaptive", maxAttempts: 10 },
    concurrency: DEFAULT_CONCURRENCY,
  },
  {
    label: `SDK standard, 10 attempts, concurrency ${DEFAULT_CONCURRENCY}`,
    client: { retryMode: "standard", maxAttempts: 10 },
    concurrency: DEFAULT_CONCURRENCY,
  },
  {
    label: `SDK standard, 20 attempts, concurrency ${DEFAULT_CONCURRENCY}`,
    client: { retryMode: "standard", maxAttempts: 20 },
    concurrency: DEFAULT_CONCURRENCY,
  },
  {
    label: "backoff without quota, concurrency 4",
    client: { retryStrategy: new BackoffRetryStrategy(IAM_BACKOFF) },
    concurrency: 4,
  },
  {
    label: `backoff without quota (default), concurrency ${DEFAULT_CONCURRENCY}`,
    client: IAM_CLIENT_CONFIG,
    concurrency: DEFAULT_CONCURRENCY,
  },
  {
    label: "backoff without quota, concurrency 32",
    client: { retryStrategy: new BackoffRetryStrategy(IAM_BACKOFF) },
    concurrency: 32,
  },
];

/** The scenarios `npm run bench` runs each policy through. */
export const THROTTLING_SCENARIOS: readonly ThrottlingScenario[] = [
  { label: "none", mode: {} },
  { label: "2% at random", mode: { randomShare: 0.02 } },
  { label: "bucket 20 req/s", mode: { bucketRate: 20 } },
];

/** One throttling scenario. */
export interface ThrottlingScenario {
  /** How the table names it. */
  readonly label: string;
  /** What the proxy does. */
  readonly mode: ThrottlingMode;
}

/** One scan of the comparison. */
export interface PolicyRun {
  readonly scenario: ThrottlingScenario;
  readonly policy: RetryPolicy;
  /** Wall time of the scan, or of the attempt until it failed. */
  readonly wallMs: number;
  /** Requests the proxy let through, and per second of the scan's wall time. */
  readonly forwarded: number;
  readonly forwardedPerSecond: number;
  /** Requests the proxy answered with `Throttling`. */
  readonly throttled: number;
  /** The scan's error when it failed (retries exhausted). */
  readonly error?: string;
  /** Findings equal to the undisturbed scan's. */
  readonly sameFindings: boolean;
}

/** The findings of a classification, comparable between scans. */
export function findingsKey(c: Classification): string {
  return JSON.stringify({
    flagged: c.flagged.map((f) => [f.userName, f.accessKeyId, f.status, f.createDate, f.lastUsedDate]),
    counts: c.counts,
    users: c.usersScanned,
  });
}

/**
 * Runs the API walk of the seeded account once per scenario and policy, through the proxy in the
 * scenario's throttling mode, and compares each scan's findings with an undisturbed scan's.
 */
export async function compareRetryPolicies(
  moto: MotoServer,
  proxy: MotoProxy,
  scenarios: readonly ThrottlingScenario[] = THROTTLING_SCENARIOS,
  policies: readonly RetryPolicy[] = RETRY_POLICIES,
  progress: (line: string) => void = () => undefined,
): Promise<PolicyRun[]> {
  const config = loadConfig({ DRY_RUN: "true" });
  const direct = new IAMClient({
    endpoint: moto.endpoint,
    region: moto.awsEnv.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const undisturbed = await scanAccount({ iam: direct, concurrency: DEFAULT_CONCURRENCY });
  direct.destroy();
  const reference = findingsKey(classifyKeys(undisturbed.inventory, config.thresholds, new Date()));
  const runs: PolicyRun[] = [];
  // Policy by policy, so that a policy's throttled runs follow its unthrottled one closely: the
  // machine's load changes less between them than over the whole comparison.
  for (const policy of policies) {
    for (const scenario of scenarios) {
      const iam = new IAMClient({
        endpoint: proxy.endpoint,
        region: moto.awsEnv.AWS_REGION,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        ...policy.client,
      });
      proxy.reset();
      proxy.setThrottling(scenario.mode);
      const started = performance.now();
      let error: string | undefined;
      let findings = "";
      try {
        const result = await scanAccount({ iam, concurrency: policy.concurrency });
        findings = findingsKey(classifyKeys(result.inventory, config.thresholds, new Date()));
      } catch (scanError) {
        error = errorMessage(scanError);
      }
      const wallMs = performance.now() - started;
      proxy.setThrottling({});
      iam.destroy();
      const traffic = proxy.traffic();
      const run: PolicyRun = {
        scenario,
        policy,
        wallMs,
        forwarded: traffic.forwarded,
        forwardedPerSecond: traffic.forwarded / (wallMs / 1000),
        throttled: traffic.throttled,
        ...(error ? { error } : {}),
        sameFindings: error === undefined && findings === reference,
      };
      progress(
        `${scenario.label} · ${policy.label}: ${(wallMs / 1000).toFixed(1)} s, ${run.forwardedPerSecond.toFixed(1)} req/s, ` +
          `${run.throttled} throttled${error ? `, FAILED: ${error}` : ""}`,
      );
      runs.push(run);
    }
  }
  return runs;
}

/**
 * The comparison as table rows: wall time against the same policy's unthrottled scan (target: at most
 * 2× at 2% random throttling), the rate of requests let through against the bucket's (target: at
 * least 80%), and whether the findings equal the undisturbed scan's (target: always).
 */
export function comparisonRows(runs: readonly PolicyRun[]): (string | number)[][] {
  return runs.map((run) => {
    const unthrottled = runs.find(
      (other) => other.policy === run.policy && Object.keys(other.scenario.mode).length === 0,
    );
    const bucket = run.scenario.mode.bucketRate;
    return [
      run.scenario.label,
      run.policy.label,
      (run.wallMs / 1000).toFixed(1),
      unthrottled && unthrottled !== run ? `${(run.wallMs / unthrottled.wallMs).toFixed(2)}×` : "-",
      run.forwardedPerSecond.toFixed(1),
      bucket ? `${((run.forwardedPerSecond / bucket) * 100).toFixed(0)}%` : "-",
      run.throttled,
      run.error ? `FAILED (${run.error.slice(0, 60)})` : run.sameFindings ? "yes" : "NO",
    ];
  });
}

/** Headers of {@link comparisonRows}. */
export const COMPARISON_HEADERS = [
  "throttling",
  "retry policy",
  "wall s",
  "vs unthrottled",
  "IAM req/s let through",
  "of bucket",
  "throttled",
  "findings equal",
];
