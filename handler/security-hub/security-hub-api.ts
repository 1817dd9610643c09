/**
 * The two Security Hub operations the export calls, as the rest of the code sees them: the request and
 * response shapes it uses (the monitor's own ASFF types, not the SDK's whole model), and the interface
 * the hand-written client (security-hub-http.ts) and the tests' fakes implement.
 */
import type { AsffFinding } from "./asff-types";
import type { StoredFinding } from "./plan-findings";

/** A GetFindings string filter. */
export interface StringFilter {
  readonly Value: string;
  readonly Comparison: "EQUALS" | "PREFIX" | "NOT_EQUALS" | "PREFIX_NOT_EQUALS" | "CONTAINS" | "NOT_CONTAINS";
}

/** GetFindings' request (POST /findings), the fields the export sets. */
export interface GetFindingsRequest {
  /** Filters by field name (`GeneratorId`, `RecordState`, …). @default none: every finding */
  readonly Filters?: Readonly<Record<string, readonly StringFilter[]>>;
  /** Findings a page, at most 100. @default Security Hub's */
  readonly MaxResults?: number;
  /** The previous page's `NextToken`. @default the first page */
  readonly NextToken?: string;
}

/** GetFindings' response. */
export interface GetFindingsResponse {
  readonly Findings?: readonly StoredFinding[];
  /** Absent or empty on the last page. */
  readonly NextToken?: string;
}

/** BatchImportFindings' request (POST /findings/import). */
export interface BatchImportFindingsRequest {
  /** At most 100 findings. */
  readonly Findings: readonly AsffFinding[];
}

/** One finding BatchImportFindings did not take. */
export interface ImportFailure {
  readonly Id?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** BatchImportFindings' response. */
export interface BatchImportFindingsResponse {
  readonly FailedCount?: number;
  readonly SuccessCount?: number;
  readonly FailedFindings?: readonly ImportFailure[];
}

/** Options of one call. */
export interface SecurityHubCallOptions {
  /** Stops the call: the request in flight and any wait before a retry. @default none */
  readonly signal?: AbortSignal;
}

/** A Security Hub client acting in one account and region. Calls throw on failure, after the retries. */
export interface SecurityHubApi {
  /** The region the client sends to; throws when none is configured (the SDK's "Region is missing"). */
  region(): string;
  batchImportFindings(
    request: BatchImportFindingsRequest,
    options?: SecurityHubCallOptions,
  ): Promise<BatchImportFindingsResponse>;
  getFindings(request: GetFindingsRequest, options?: SecurityHubCallOptions): Promise<GetFindingsResponse>;
}
