import type { Thresholds } from "./classify";

/** How the handler finds the keys: `api` walks every user, `credential-report` filters through the report first. */
export type ScanStrategy = "api" | "credential-report" | "auto";

/** A strategy after `auto` has been decided. */
export type ResolvedScanStrategy = Exclude<ScanStrategy, "auto">;

/** The values `SCAN_STRATEGY` accepts. */
export const SCAN_STRATEGIES: readonly ScanStrategy[] = ["api", "credential-report", "auto"];

/**
 * How old the credential report can be: `GenerateCredentialReport` starts a new report only when the
 * current one is older than four hours, so a run may be handed one that old.
 */
export const CREDENTIAL_REPORT_MAX_STALENESS_MS = 4 * 60 * 60 * 1000;

/** The smallest of the three thresholds: the soonest any key can become a finding. */
export function smallestThresholdMs(thresholds: Thresholds): number {
  return Math.min(thresholds.warningAgeMs, thresholds.criticalAgeMs, thresholds.unusedAgeMs);
}

/**
 * Resolves `auto`: the credential-report scan pays off only when every threshold is longer than the
 * report can be old. Otherwise a key created (or a user added) after the report could already be a
 * finding, every user would have to be checked live anyway, and the report calls would be wasted;
 * minute-level thresholds (as in the original's setup) therefore get the per-user API scan.
 */
export function chooseScanStrategy(strategy: ScanStrategy, thresholds: Thresholds): ResolvedScanStrategy {
  if (strategy !== "auto") return strategy;
  return smallestThresholdMs(thresholds) > CREDENTIAL_REPORT_MAX_STALENESS_MS ? "credential-report" : "api";
}
