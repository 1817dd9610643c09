/**
 * The Security Hub edge of a run, for the single-account handler and the organization worker alike:
 * a client acting in the account that owns the keys (the member role's credentials in organization
 * mode), the account's id, and a stop signal from the invocation's time left.
 */
import { exportFindings } from "../security-hub/import-findings";
import type { SecurityHubApi } from "../security-hub/security-hub-api";
import { exportStopSignal, type SecurityHubDeps } from "./export-findings-stage";

/** Options of {@link securityHubDeps}. */
export interface SecurityHubDepsOptions {
  /**
   * The client acting in the account that owns the keys (`createSecurityHubClient`), made on first use
   * so that a run that never exports (a failed scan) builds none.
   */
  readonly client: () => SecurityHubApi;
  /** The account that owns the keys: 12 digits. */
  readonly accountId: () => Promise<string>;
  /** The invocation's time left (Lambda's `getRemainingTimeInMillis`). @default no deadline */
  readonly remainingTimeMs?: () => number;
}

/** The run's `securityHub` dependency. */
export function securityHubDeps(options: SecurityHubDepsOptions): SecurityHubDeps {
  return {
    accountId: options.accountId,
    stopSignal: () => exportStopSignal(options.remainingTimeMs),
    exportFindings: (request) => exportFindings({ ...request, client: options.client() }),
  };
}
