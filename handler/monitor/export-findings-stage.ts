/**
 * The run's "[export findings]" stage (SECURITY_HUB=on): after the digest went out and enforcement
 * ran, one Security Hub finding per flagged key, and the findings of resolved keys archived. Security
 * Hub is a copy of what Slack already got, so this stage never fails the run: a failure is logged and
 * counted (the SecurityHubExportFailed metric, which an alarm watches), and the next run sends it all again.
 */
import type { Classification } from "../scan/classify";
import type { DeactivationSchedule } from "../enforcement/deactivation-schedule";
import { describeError } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import { findingKeysOf, isSecurityHubKey } from "../security-hub/asff-finding";
import type { ExportFindingsOptions, SecurityHubExportResult } from "../security-hub/import-findings";
import { securityHubEmbeddedMetrics, securityHubLogEntry } from "../security-hub/security-hub-metrics";

/** What the export needs from outside the run: where to send, as whom, and until when. */
export interface SecurityHubDeps {
  /**
   * Sends the run's findings: `exportFindings` with the client of the account that owns the keys
   * (the member role's in organization mode) bound. Never throws.
   */
  readonly exportFindings: (options: Omit<ExportFindingsOptions, "client">) => Promise<SecurityHubExportResult>;
  /**
   * The 12-digit id of the account that owns the keys and imports the findings (Security Hub takes
   * only the caller's own): the digest's account label may carry a name too.
   */
  readonly accountId: () => Promise<string>;
  /** The export's stop signal, made when the stage starts (the invocation's time left). @default none */
  readonly stopSignal?: () => AbortSignal | undefined;
}

/** What the stage takes from the run. */
export interface ExportStageInput {
  readonly classification: Pick<Classification, "findings">;
  /** The enforcement plan's schedules, written into the findings. @default none */
  readonly schedules?: ReadonlyMap<string, DeactivationSchedule>;
  /** Users the scan did not check (time budget): their findings stay as they are. */
  readonly uncheckedUsers: readonly string[];
  /** The run's time. */
  readonly now: Date;
  /** `ENVIRONMENT_NAME`, in the findings and the metric's dimension. @default none ("default" for the metric) */
  readonly environmentName?: string;
  /** `DRY_RUN=true`: nothing went to Slack, so nothing goes to Security Hub either. @default false */
  readonly dryRun?: boolean;
  readonly logger: Logger;
}

/** The margin kept after the export for the run's own last writes and its summary line. */
export const EXPORT_STOP_MARGIN_MS = 10_000;

/**
 * A stop signal that fires {@link EXPORT_STOP_MARGIN_MS} before the invocation's time runs out
 * (at once when less is left), or undefined without a deadline.
 */
export function exportStopSignal(
  remainingTimeMs: (() => number) | undefined,
  marginMs = EXPORT_STOP_MARGIN_MS,
): AbortSignal | undefined {
  if (!remainingTimeMs) return undefined;
  const left = remainingTimeMs() - marginMs;
  if (!Number.isFinite(left)) return undefined;
  return left <= 0 ? AbortSignal.abort(new Error("no time left for the export")) : AbortSignal.timeout(left);
}

/**
 * Exports the run's findings, then logs one line: the result (`Security Hub export finished`, or
 * `… failed` as a warning with the cause) with its Embedded Metric Format block. Never throws.
 * Undefined for a dry run, which writes nothing.
 */
export async function exportFindingsStage(
  deps: SecurityHubDeps,
  input: ExportStageInput,
): Promise<SecurityHubExportResult | undefined> {
  if (input.dryRun) {
    input.logger.info("dry run: Security Hub findings not exported");
    return undefined;
  }
  const result = await runExport(deps, input);
  const entry = securityHubLogEntry(result);
  const metrics = securityHubEmbeddedMetrics(result, input.environmentName ?? "default", input.now);
  input.logger[entry.level](entry.message, { ...entry.fields, ...metrics });
  return result;
}

async function runExport(deps: SecurityHubDeps, input: ExportStageInput): Promise<SecurityHubExportResult> {
  try {
    const accountId = await deps.accountId();
    const signal = deps.stopSignal?.();
    const keys = findingKeysOf(input.classification.findings, input.schedules ? { schedules: input.schedules } : {});
    return await deps.exportFindings({
      accountId,
      keys,
      now: input.now,
      uncheckedUsers: input.uncheckedUsers,
      ...(input.environmentName ? { environment: input.environmentName } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    // exportFindings never throws; the account id might. Either way the digest is out: count, go on.
    return {
      imported: 0,
      archived: 0,
      failed: input.classification.findings.filter(isSecurityHubKey).length,
      error: `Security Hub export failed: ${describeError(error)}`,
      rejected: [],
      importRequests: 0,
      readRequests: 0,
      untouched: 0,
    };
  }
}
