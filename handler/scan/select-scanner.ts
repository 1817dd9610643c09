import type { IAMClient } from "@aws-sdk/client-iam";
import type { MonitorConfig } from "../runtime/config/config";
import type { ScanResult } from "./inventory";
import type { ScanBudget } from "./scan-budget";
import { chooseScanStrategy, type ResolvedScanStrategy } from "./scan-strategy";
import { parseUserTags, userThresholds } from "./user-tags";
import { DEFAULT_CLASSIFY_WITHIN_MS, scanWithCredentialReport } from "./credential-report-scan";
import { requestCounter } from "../runtime/request-counter";
import { scanAccount } from "./scan-account";
import { exposedKeyOwners } from "./exposed-key-owners";

/** The AWS clients a scanner needs. */
export interface ScannerClients {
  /** IAM, built with `retryMode: "adaptive"` so throttling slows the scan instead of failing it. */
  readonly iam: IAMClient;
}

/** What one run of a scanner is given. */
export interface ScanRun {
  /** When to stop and leave the remaining users unchecked. @default UNLIMITED_BUDGET */
  readonly budget?: ScanBudget;
  /** Users to check first: the ones the previous run could not check. @default [] */
  readonly checkFirst?: readonly string[];
  /**
   * Keys an AWS Health exposure event named: their owners are checked whatever `WATCH_USERS` or the
   * credential report say (see exposed-key-owners.ts). @default []
   */
  readonly exposedKeyIds?: readonly string[];
}

/** A run of one strategy: the run, with the exposure event's key owners resolved. */
type StrategyRun = Omit<ScanRun, "exposedKeyIds"> & { readonly alsoUsers?: readonly string[] };

/** A scan, ready to run, labelled with the strategy `auto` resolved to. */
export interface Scanner {
  (run?: ScanRun): Promise<ScanResult>;
  /** The strategy this scanner runs (a credential-report scan may still fall back to the API walk). */
  readonly strategy: ResolvedScanStrategy;
}

/** Options of {@link scannerFor}. */
export interface ScannerOptions {
  /**
   * When the keys will be classified, if not during the run (the CLI's `--as-of`): the credential-report
   * scan must pick candidates for that moment. @default within 15 minutes of the scan
   */
  readonly classifyAt?: Date;
  /**
   * Look up the last use of inactive keys too, for a listing that shows every key's last use (the
   * CLI). @default false: the function never alerts inactive keys, so it does not spend calls on them
   */
  readonly inactiveKeyLastUse?: boolean;
}

/**
 * The scanner for `config`: `SCAN_STRATEGY` (with `auto` resolved against the thresholds), the watch
 * list and `SCAN_CONCURRENCY`. The Lambda entry and the CLI both use it, so they scan alike.
 */
export function scannerFor(config: MonitorConfig, clients: ScannerClients, options: ScannerOptions = {}): Scanner {
  const { iam } = clients;
  const strategy = chooseScanStrategy(config.scanStrategy, config.thresholds);
  const counter = requestCounter(iam);
  const scanWith =
    strategy === "api"
      ? (run: StrategyRun) =>
          scanAccount({
            iam,
            watchUsers: config.watchUsers,
            concurrency: config.scanConcurrency,
            ...(options.inactiveKeyLastUse ? { inactiveKeyLastUse: true } : {}),
            ...run,
          })
      : (run: StrategyRun) =>
          scanWithCredentialReport({
            iam,
            thresholds: config.thresholds,
            watchUsers: config.watchUsers,
            concurrency: config.scanConcurrency,
            // `key-age:warning-age`/`critical-age` tags can lower a user's limits below the global ones.
            userThresholds: {
              thresholdsFor: (tags, defaults) =>
                userThresholds(defaults, parseUserTags(tags, { maxTagAge: config.maxTagAge })).thresholds,
            },
            ...(options.inactiveKeyLastUse ? { inactiveKeyLastUse: true } : {}),
            classifyWithinMs: Math.max(DEFAULT_CLASSIFY_WITHIN_MS, (options.classifyAt?.getTime() ?? 0) - Date.now()),
            ...run,
          });
  // The counter runs for the client's life (the Lambda container's): a scan reports its own share.
  const scan = async (run: ScanRun = {}): Promise<ScanResult> => {
    const before = counter();
    const { exposedKeyIds, ...rest } = run;
    let ownerCalls = 0;
    const owners =
      exposedKeyIds && exposedKeyIds.length > 0
        ? await exposedKeyOwners(iam, exposedKeyIds, () => (ownerCalls += 1))
        : [];
    const result = await scanWith({ ...rest, ...(owners.length > 0 ? { alsoUsers: owners } : {}) });
    const after = counter();
    return {
      ...result,
      stats: {
        ...result.stats,
        apiCalls: result.stats.apiCalls + ownerCalls,
        throttledRequests: after.throttled - before.throttled,
        retries: after.retries - before.retries,
      },
    };
  };
  return Object.assign(scan, { strategy });
}
