import type { KeyFinding } from "../scan/classify";
import type { EnforcementRecord } from "./enforcement-record";
import { formatDuration } from "../runtime/duration";
import type { Logger } from "../runtime/logger";
import { maskAccessKeyId } from "../runtime/mask";
import {
  deactivationEvents,
  deactivationRecord,
  enforcementChanges,
  planEnforcement,
  type ActiveEnforcement,
  type DeactivationOutcome,
  type DueKey,
  type EnforcementPlan,
  type EnforcementSummary,
} from "./plan-enforcement";
import { renderEnforcement, restoreCommand } from "./render-enforcement";
import type { SlackMessage } from "../slack/slack-message";

/** The I/O enforcement needs; given to the run only when `ENFORCEMENT` is `dry-run` or `armed`. */
export interface EnforcementDeps {
  /** The settings. */
  readonly settings: ActiveEnforcement;
  /** Reads the enforcement records of the alert state. */
  readonly load: () => Promise<readonly EnforcementRecord[]>;
  /** Writes enforcement records. */
  readonly put: (records: readonly EnforcementRecord[]) => Promise<void>;
  /**
   * Re-checks and deactivates the keys (armed only), calling `run.onDeactivated` right after each
   * key's deactivation succeeded, and starting none once `run.stopStarting()` is true.
   */
  readonly deactivate: (
    due: readonly DueKey[],
    run: { readonly onDeactivated: (key: DueKey) => Promise<void>; readonly stopStarting: () => boolean },
  ) => Promise<readonly DeactivationOutcome[]>;
  /**
   * True once too little of the invocation is left to start another deactivation (and still record
   * and announce it). @default never
   */
  readonly stopStarting?: () => boolean;
}

/** Inputs of {@link enforce} besides its deps. */
export interface EnforceInput {
  /** The plan of this run (see {@link planEnforcementFor}). */
  readonly plan: EnforcementPlan;
  /** The run's time. */
  readonly now: Date;
  /** The account id for the message header. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** Posts the message, or undefined when the payload is only logged (`DRY_RUN=true`): nothing then counts as notice. */
  readonly deliver?: (message: SlackMessage) => Promise<void>;
  /** The run's logger. */
  readonly logger: Logger;
}

/** This run's enforcement plan from the loaded records (pure; see ./plan-enforcement.ts). */
export function planEnforcementFor(
  deps: EnforcementDeps,
  findings: readonly KeyFinding[],
  records: readonly EnforcementRecord[],
  now: Date,
  remindEveryMs: number,
  scanIncomplete = false,
): EnforcementPlan {
  return planEnforcement({ findings, records, enforcement: deps.settings, now, remindEveryMs, scanIncomplete });
}

/**
 * Carries out a plan: deactivates the due keys (armed, brake not engaged) after the edge's re-check,
 * records each deactivation at once, logs one line per deactivated key, posts the enforcement
 * message and records the notices and announcements only once Slack accepted it.
 */
export async function enforce(deps: EnforcementDeps, input: EnforceInput): Promise<EnforcementSummary> {
  const { plan, now, logger } = input;
  // A run that cannot announce (DRY_RUN=true only logs the payload) deactivates nothing.
  // Each deactivation is recorded as soon as IAM confirmed it: a run cut short still leaves it known.
  const run = {
    onDeactivated: (key: DueKey) => deps.put([deactivationRecord(key, now)]),
    stopStarting: deps.stopStarting ?? (() => false),
  };
  const outcomes = plan.toDeactivate.length > 0 && input.deliver ? await deps.deactivate(plan.toDeactivate, run) : [];
  if (plan.toDeactivate.length > 0 && !input.deliver) {
    logger.warn("due access keys not deactivated: the Slack payload is only logged (DRY_RUN)", {
      keys: plan.toDeactivate.map((key) => `${key.finding.userName}/${maskAccessKeyId(key.finding.accessKeyId)}`),
    });
  }
  const done = deactivationEvents(plan, outcomes, now);
  for (const event of done.events) {
    if (event.kind === "deactivated") {
      logger.warn("access key deactivated", auditFields(event.finding, event.setting, now));
    } else if (event.kind === "left-alone") {
      logger.info("due access key left alone", {
        userName: event.finding.userName,
        accessKeyId: maskAccessKeyId(event.finding.accessKeyId),
        reason: event.reason,
      });
    }
  }
  for (const event of plan.events) {
    if (event.kind === "would-deactivate") {
      logger.info("dry run: access key would be deactivated", auditFields(event.finding, event.setting, now));
    }
  }
  if (plan.heldForIncompleteScan && !plan.braked) {
    logger.warn("due access keys not deactivated: the scan left users unchecked, so the brake could not count", {
      keys: plan.due.map((key) => `${key.finding.userName}/${maskAccessKeyId(key.finding.accessKeyId)}`),
    });
  }
  if (plan.braked) {
    logger.warn(`enforcement brake engaged: ${plan.due.length} keys due`, {
      maxDeactivationsPerRun: deps.settings.maxPerRun,
      keys: plan.due.map((key) => `${key.finding.userName}/${maskAccessKeyId(key.finding.accessKeyId)}`),
    });
  }

  const rendered = renderEnforcement({
    events: [...plan.events, ...done.events],
    mode: deps.settings.mode,
    accountId: input.accountId,
    ...(input.environmentName ? { environmentName: input.environmentName } : {}),
    now,
  });
  let eventsAnnounced = 0;
  if (rendered.message) {
    if (input.deliver) {
      await input.deliver(rendered.message);
      await deps.put(enforcementChanges(rendered.named));
      eventsAnnounced = rendered.named.length;
    } else {
      logger.info("dry run: enforcement payload not posted", { payload: rendered.message });
    }
  }
  const deactivated = done.events.filter((event) => event.kind === "deactivated").length;
  return {
    mode: deps.settings.mode,
    due: plan.due.length,
    deactivated,
    wouldDeactivate:
      deps.settings.mode === "dry-run" && !plan.braked && !plan.heldForIncompleteScan ? plan.due.length : 0,
    braked: plan.braked,
    eventsAnnounced,
    leftAlone: done.events.length - deactivated,
  };
}

function auditFields(finding: KeyFinding, setting: string, now: Date): Record<string, unknown> {
  return {
    userName: finding.userName,
    accessKeyId: maskAccessKeyId(finding.accessKeyId),
    // Only keys with a creation date are ever deactivated (the root user's never).
    age: formatDuration(now.getTime() - (finding.createDate ?? now).getTime()),
    createDate: finding.createDate?.toISOString(),
    setting,
    restoreCommand: restoreCommand(finding.userName, finding.accessKeyId),
  };
}
