import type { IAMClient } from "@aws-sdk/client-iam";
import type { MonitorConfig } from "../handler/runtime/config/config";
import { scannerFor, type Scanner } from "../handler/scan/select-scanner";

/**
 * The function's scanner for the CLI's config. The CLI promises an entry per key, so `auto` means the
 * API walk here: the credential report only filters, and the keys it clears are counted, not listed.
 * An explicit `credential-report` is honoured, with its candidates picked for the `--as-of` moment.
 */
export function cliScanner(config: MonitorConfig, iam: IAMClient, classifyAt: Date): Scanner {
  const scanStrategy = config.scanStrategy === "auto" ? "api" : config.scanStrategy;
  // Every key is listed with its last use, inactive ones included: look theirs up too.
  return scannerFor({ ...config, scanStrategy }, { iam }, { classifyAt, inactiveKeyLastUse: true });
}
