import { IAMClient, type IAMClientConfig } from "@aws-sdk/client-iam";
import { classifyKeys, type Classification } from "../handler/core/classify";
import { loadConfig } from "../handler/core/config";
import { scanAccount } from "../handler/edges/scan-account";
import type { MotoServer } from "../scripts/lib/moto-server";
import type { CountingProxy, ThrottlingMode } from "./counting-proxy";

/** One retry policy under test: the IAM client's retry settings and the scan's concurrency. */
export interface RetryPolicy {
  /** How the table names it. */
  readonly label: string;
  /** Retry settings of the IAM client. */
  readonly client: Pick<IAMClientConfig, "retryMode" | "maxAttempts" | "retryStrategy">;
  /** Users scanned at once. */
  readonly concurrency: number;
}

/** One throttling scenario. */
export interface ThrottlingScenario {
  /** How the table names it. */
  readonly label: string;
  /** What the proxy does. */
  readonly mode: ThrottlingMode;
}

/** One scan of the comparison. */
export interface PolicyRun {
  readonly scenario: string;
  readonly policy: string;
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
 * scenario's throttling mode, and compares each scan's findings with `reference` (an undisturbed scan).
 */
export async function compareRetryPolicies(
  moto: MotoServer,
  proxy: CountingProxy,
  scenarios: readonly ThrottlingScenario[],
  policies: readonly RetryPolicy[],
  reference: string,
  progress: (line: string) => void = () => undefined,
): Promise<PolicyRun[]> {
  const config = loadConfig({ DRY_RUN: "true" });
  const runs: PolicyRun[] = [];
  for (const scenario of scenarios) {
    for (const policy of policies) {
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
        error = scanError instanceof Error ? scanError.message : String(scanError);
      }
      const wallMs = performance.now() - started;
      proxy.setThrottling({});
      iam.destroy();
      const traffic = proxy.traffic();
      const run: PolicyRun = {
        scenario: scenario.label,
        policy: policy.label,
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
