/**
 * The Security Hub edge: reads the monitor's active findings (GetFindings), plans (plan-findings.ts)
 * and sends the run's findings with BatchImportFindings, in batches of at most 100, at most 10 requests a
 * second, throttled requests retried with backoff. It never throws: Security Hub is a copy of what
 * Slack already got, so a failure is returned for the caller to log and count, and never stops a run.
 */
import { describeError } from "../runtime/error-fields";
import type { SecurityHubApi } from "./security-hub-api";
import { type AsffFinding, type FindingContext, type FindingKey, isSecurityHubKey } from "./asff-finding";
import { validateFinding } from "./validate-finding";
import { isOwnActiveFinding, ownActiveFindingsFilter, planFindings, type StoredFinding } from "./plan-findings";
import { createRateLimiter, type RateLimiter } from "../runtime/rate-limiter";

/** BatchImportFindings takes at most this many findings a request. */
export const MAX_FINDINGS_PER_IMPORT = 100;

/** Security Hub's BatchImportFindings quota: 10 requests a second per account and region. */
export const IMPORT_REQUESTS_PER_SECOND = 10;

/** Security Hub's GetFindings quota: 3 requests a second per account and region. */
export const READ_REQUESTS_PER_SECOND = 3;

/** GetFindings returns at most this many findings a page. */
export const FINDINGS_PER_PAGE = 100;

/** Rejected findings listed in a result, at most (the count is always complete). */
export const MAX_REJECTIONS_LISTED = 20;

/** One finding Security Hub did not take, or the importer did not send. */
export interface RejectedFinding {
  /** The finding's `Id`. */
  readonly id: string;
  /** Security Hub's error code, or `Invalid` (failed {@link validateFinding}), or `NotSent`. */
  readonly code: string;
  /** What was wrong. */
  readonly message: string;
}

/** What an import (or a whole export) did. */
export interface SecurityHubImportResult {
  /** Findings taken as ACTIVE (created or updated in place). */
  readonly imported: number;
  /** Findings taken as ARCHIVED. */
  readonly archived: number;
  /** Findings meant to be sent that Security Hub did not take (rejected, invalid, or not sent). */
  readonly failed: number;
  /** What went wrong, in one sentence. @default undefined: every finding was taken */
  readonly error?: string;
  /** The first {@link MAX_REJECTIONS_LISTED} findings not taken, with the reason. */
  readonly rejected: readonly RejectedFinding[];
  /** BatchImportFindings requests sent (the client's retries not counted). */
  readonly importRequests: number;
}

/** What an export did: the import's result plus the read. */
export interface SecurityHubExportResult extends SecurityHubImportResult {
  /** GetFindings pages read. */
  readonly readRequests: number;
  /** Stored active findings left as they were because their user was not checked (time budget). */
  readonly untouched: number;
}

/** Options of {@link importFindings}. */
export interface ImportFindingsOptions {
  /** Stops sending: findings not sent by then count as failed. @default none */
  readonly signal?: AbortSignal;
  /** Paces the requests. @default IMPORT_REQUESTS_PER_SECOND evenly spaced */
  readonly limiter?: RateLimiter;
}

/**
 * Sends `findings` with BatchImportFindings, at most {@link MAX_FINDINGS_PER_IMPORT} a request. Each is
 * validated first (an invalid one is not sent and counts as failed). A request that fails after the
 * client's retries ends the import: the findings not sent count as failed. Never throws.
 */
export async function importFindings(
  client: SecurityHubApi,
  findings: readonly AsffFinding[],
  options: ImportFindingsOptions = {},
): Promise<SecurityHubImportResult> {
  const limiter = options.limiter ?? createRateLimiter({ perSecond: IMPORT_REQUESTS_PER_SECOND });
  const rejected: RejectedFinding[] = [];
  let rejectedCount = 0;
  const reject = (finding: AsffFinding, code: string, message: string) => {
    rejectedCount += 1;
    if (rejected.length < MAX_REJECTIONS_LISTED) rejected.push({ id: finding.Id, code, message });
  };
  const valid: AsffFinding[] = [];
  for (const finding of findings) {
    const problems = validateFinding(finding);
    if (problems.length === 0) valid.push(finding);
    else reject(finding, "Invalid", problems.join("; "));
  }

  let imported = 0;
  let archived = 0;
  let importRequests = 0;
  let requestError: string | undefined;
  for (let start = 0; start < valid.length; start += MAX_FINDINGS_PER_IMPORT) {
    const batch = valid.slice(start, start + MAX_FINDINGS_PER_IMPORT);
    const stopped = !(await limiter.acquire(options.signal));
    if (!stopped) {
      try {
        importRequests += 1;
        const output = await client.batchImportFindings(
          { Findings: batch },
          options.signal ? { signal: options.signal } : {},
        );
        const failedIds = new Map((output.FailedFindings ?? []).map((failure) => [failure.Id ?? "", failure]));
        for (const finding of batch) {
          const failure = failedIds.get(finding.Id);
          if (failure) reject(finding, failure.ErrorCode ?? "Failed", failure.ErrorMessage ?? "rejected");
          else if (finding.RecordState === "ARCHIVED") archived += 1;
          else imported += 1;
        }
        continue;
      } catch (error) {
        requestError = options.signal?.aborted
          ? "stopped by the run's stop signal"
          : `BatchImportFindings failed: ${describeError(error)}`;
      }
    } else {
      requestError = "stopped by the run's stop signal";
    }
    for (const finding of valid.slice(start)) reject(finding, "NotSent", requestError);
    break;
  }

  return {
    imported,
    archived,
    failed: rejectedCount,
    ...(rejectedCount > 0 ? { error: importError(rejectedCount, findings.length, requestError, rejected) } : {}),
    rejected,
    importRequests,
  };
}

function importError(
  failed: number,
  total: number,
  requestError: string | undefined,
  rejected: readonly RejectedFinding[],
): string {
  const cause = requestError ?? (rejected[0] ? `${rejected[0].code}: ${rejected[0].message}` : "rejected");
  return `${failed} of ${total} findings not taken by Security Hub: ${cause}`;
}

/** Options of {@link readOwnActiveFindings}. */
export interface ReadFindingsOptions {
  /** Stops reading (the read then throws). @default none */
  readonly signal?: AbortSignal;
  /** Paces the pages. @default READ_REQUESTS_PER_SECOND evenly spaced */
  readonly limiter?: RateLimiter;
  /** Counts each page requested. @default none */
  readonly onPage?: () => void;
}

/**
 * The monitor's ACTIVE findings in this account and region, every page of GetFindings. The filter is
 * applied again here: moto ignores it, and an administrator account also sees its members' findings.
 * Throws on failure (the caller {@link exportFindings} does not).
 */
export async function readOwnActiveFindings(
  client: SecurityHubApi,
  context: Pick<FindingContext, "accountId" | "region" | "partition">,
  options: ReadFindingsOptions = {},
): Promise<StoredFinding[]> {
  const limiter = options.limiter ?? createRateLimiter({ perSecond: READ_REQUESTS_PER_SECOND });
  const found: StoredFinding[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    if (!(await limiter.acquire(options.signal))) throw new Error("stopped by the run's stop signal");
    options.onPage?.();
    const page = await client.getFindings(
      {
        Filters: ownActiveFindingsFilter(context),
        MaxResults: FINDINGS_PER_PAGE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      },
      options.signal ? { signal: options.signal } : {},
    );
    for (const finding of page.Findings ?? []) {
      if (isOwnActiveFinding(finding, context)) found.push(finding);
    }
    nextToken = page.NextToken || undefined;
    // A token seen before would loop forever: stop rather than trust it.
    if (nextToken !== undefined) {
      if (seenTokens.has(nextToken)) throw new Error("GetFindings returned the same NextToken twice");
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return found;
}

/** Options of {@link exportFindings}. */
export interface ExportFindingsOptions {
  /** The client, acting in `accountId` (the member role's credentials in organization mode). */
  readonly client: SecurityHubApi;
  /** The account that owns the keys: Security Hub takes findings only about the calling account. */
  readonly accountId: string;
  /** Every classified key of the account (`findingKeysOf(classification.findings, …)`). */
  readonly keys: readonly FindingKey[];
  /** The run's time. */
  readonly now: Date;
  /** The region of the findings. @default the client's region */
  readonly region?: string;
  /** `ENVIRONMENT_NAME`, written as a product field. @default not written */
  readonly environment?: string;
  /** Users the scan did not check (time budget): their findings are left as they are. @default [] */
  readonly uncheckedUsers?: readonly string[];
  /** The run's stop signal: nothing new starts after it fires. @default none */
  readonly signal?: AbortSignal;
  /** GetFindings pacing. @default READ_REQUESTS_PER_SECOND */
  readonly readLimiter?: RateLimiter;
  /** BatchImportFindings pacing. @default IMPORT_REQUESTS_PER_SECOND */
  readonly importLimiter?: RateLimiter;
}

/**
 * The run's export, in one call: read the monitor's active findings, plan, import the flagged keys'
 * findings as ACTIVE and the resolved ones as ARCHIVED. Never throws. When the read fails nothing is
 * sent (an import without it would reset the findings' `CreatedAt` and could not archive) and every
 * flagged key counts as failed; the next run tries again.
 */
export async function exportFindings(options: ExportFindingsOptions): Promise<SecurityHubExportResult> {
  let readRequests = 0;
  const flagged = options.keys.filter(isSecurityHubKey).length;
  const failedRead = (error: string): SecurityHubExportResult => ({
    imported: 0,
    archived: 0,
    failed: flagged,
    error,
    rejected: [],
    importRequests: 0,
    readRequests,
    untouched: 0,
  });
  try {
    const region = options.region ?? options.client.region();
    const context: FindingContext = {
      accountId: options.accountId,
      region,
      now: options.now,
      ...(options.environment ? { environment: options.environment } : {}),
    };
    let existing: StoredFinding[];
    try {
      existing = await readOwnActiveFindings(options.client, context, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.readLimiter ? { limiter: options.readLimiter } : {}),
        onPage: () => {
          readRequests += 1;
        },
      });
    } catch (error) {
      return failedRead(
        options.signal?.aborted ? "stopped by the run's stop signal" : `GetFindings failed: ${describeError(error)}`,
      );
    }
    const plan = planFindings({
      keys: options.keys,
      existing,
      context,
      ...(options.uncheckedUsers ? { uncheckedUsers: options.uncheckedUsers } : {}),
    });
    const result = await importFindings(options.client, [...plan.active, ...plan.archived], {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.importLimiter ? { limiter: options.importLimiter } : {}),
    });
    return { ...result, readRequests, untouched: plan.untouched };
  } catch (error) {
    // Only a bug gets here; the export still must not fail the run.
    return failedRead(`Security Hub export failed: ${describeError(error)}`);
  }
}
