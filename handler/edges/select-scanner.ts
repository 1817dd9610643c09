import type { IAMClient } from "@aws-sdk/client-iam";
import type { MonitorConfig } from "../core/config";
import type { ScanResult } from "../core/inventory";
import { chooseScanStrategy, type ResolvedScanStrategy } from "../core/scan-strategy";
import { parseUserTags, userThresholds } from "../core/user-tags";
import { DEFAULT_CLASSIFY_WITHIN_MS, scanWithCredentialReport } from "./credential-report-scan";
import { scanAccount } from "./scan-account";

/** The AWS clients a scanner needs. */
export interface ScannerClients {
  /** IAM, built with `retryMode: "adaptive"` so throttling slows the scan instead of failing it. */
  readonly iam: IAMClient;
}

/** A scan, ready to run, labelled with the strategy `auto` resolved to. */
export interface Scanner {
  (): Promise<ScanResult>;
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
}

/**
 * The scanner for `config`: `SCAN_STRATEGY` (with `auto` resolved against the thresholds), the watch
 * list and `SCAN_CONCURRENCY`. The Lambda entry and the CLI both use it, so they scan alike.
 */
export function scannerFor(config: MonitorConfig, clients: ScannerClients, options: ScannerOptions = {}): Scanner {
  const { iam } = clients;
  const strategy = chooseScanStrategy(config.scanStrategy, config.thresholds);
  const scan =
    strategy === "api"
      ? () => scanAccount({ iam, watchUsers: config.watchUsers, concurrency: config.scanConcurrency })
      : () =>
          scanWithCredentialReport({
            iam,
            thresholds: config.thresholds,
            watchUsers: config.watchUsers,
            concurrency: config.scanConcurrency,
            // `key-age:warning-age`/`critical-age` tags can lower a user's limits below the global ones.
            userThresholds: {
              thresholdsFor: (tags, defaults) => userThresholds(defaults, parseUserTags(tags)).thresholds,
            },
            classifyWithinMs: Math.max(DEFAULT_CLASSIFY_WITHIN_MS, (options.classifyAt?.getTime() ?? 0) - Date.now()),
          });
  return Object.assign(scan, { strategy });
}
